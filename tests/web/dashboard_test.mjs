// Browser test of the dashboard served by `tocsin serve`, with playwright-core driving Debian's Chromium.
//
// usage: node tests/web/dashboard_test.mjs BASE_URL SCREENSHOT_PNG
//
// Checks, as an analyst would use it: the events are drawn on the map (as many points as /api/events has
// events with coordinates, among those the dashboard says it fetched), the timeline is drawn, a category
// filter narrows map and table together, a row opens its evidence sentence with the trigger highlighted,
// the view survives a reload (URL hash), a country click zooms and filters, and a story page lists its
// documents. Fails on any console error and on any request that leaves BASE_URL (the dashboard is offline).
// Exit 0 with a summary on success, 1 with the reason on failure.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
// ESM ignores NODE_PATH, so resolve playwright-core from the repository's deps/node_modules.
const require = createRequire(path.join(here, "..", "..", "deps", "package.json"));
const { chromium } = require("playwright-core");

const [BASE_ARG, SCREENSHOT] = process.argv.slice(2);
if (!BASE_ARG || !SCREENSHOT) {
  console.error("usage: node tests/web/dashboard_test.mjs BASE_URL SCREENSHOT_PNG");
  process.exit(2);
}
const BASE = BASE_ARG.endsWith("/") ? BASE_ARG : BASE_ARG + "/";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const STEP_MS = 20000;

class Failure extends Error {}
function check(ok, message) { if (!ok) throw new Failure(message); }

const consoleErrors = [];
const offsite = [];
const summary = [];
let step = "start";

// The whole test may not hang: a hard limit well under the ctest timeout.
const watchdog = setTimeout(() => {
  console.error(`FAIL (timeout after 150 s, during: ${step})`);
  process.exit(1);
}, 150000);

async function getJson(request, pathAndQuery) {
  const res = await request.get(BASE + pathAndQuery);
  check(res.ok(), `GET ${pathAndQuery} answered ${res.status()}`);
  return res.json();
}

// Every event of a query, page by page, up to `max` events.
async function eventsOf(request, query, max) {
  const out = [];
  let offset = 0;
  for (;;) {
    const page = await getJson(request, `api/events?${query}${query ? "&" : ""}limit=500&offset=${offset}`);
    out.push(...page.events);
    if (page.next === null || page.next === undefined || out.length >= max) return { events: out.slice(0, max), total: page.total };
    offset = page.next;
  }
}
const placed = (e) => e.place && typeof e.place.lat === "number" && typeof e.place.lon === "number";

async function waitLoaded(page, afterGeneration) {
  await page.waitForFunction((g) => document.body.dataset.loading === "0" && +document.body.dataset.generation > g,
    afterGeneration, { timeout: STEP_MS });
  const status = await page.$eval("#status", (n) => (n.classList.contains("error") ? n.textContent : ""));
  check(!status, `the dashboard shows an error: ${status}`);
}
const generationOf = (page) => page.evaluate(() => +document.body.dataset.generation);

// Map points against the API: the dashboard says which query and how many events it fetched.
async function checkMapAgainstApi(page, request, label) {
  const info = await page.$eval("#map-status", (n) => ({
    query: n.getAttribute("data-query"), fetched: +n.getAttribute("data-fetched"),
    total: +n.getAttribute("data-total"), points: +n.getAttribute("data-points"), text: n.textContent,
  }));
  const circles = await page.$$eval("#map circle.event-point", (cs) => cs.length);
  const api = await eventsOf(request, info.query, info.fetched);
  const withCoords = api.events.filter(placed).length;
  check(api.total === info.total, `${label}: the map says ${info.total} events match, /api/events says ${api.total}`);
  check(info.fetched <= api.total, `${label}: the map fetched ${info.fetched} of ${api.total} events`);
  check(circles === withCoords,
    `${label}: ${circles} points on the map, but /api/events?${info.query} has ${withCoords} events with coordinates among the ${info.fetched} the map fetched`);
  check(circles === info.points, `${label}: ${circles} points drawn, the status claims ${info.points}`);
  if (info.fetched < info.total) check(/showing/.test(info.text), `${label}: capped map without "showing N of M": ${info.text}`);
  return { circles, total: api.total, query: info.query };
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Anything not for BASE is recorded and refused, so a regression cannot reach the internet from CI.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(BASE) || url.startsWith("data:")) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on("console", (msg) => { if (msg.type() === "error") consoleErrors.push(msg.text()); });
    page.on("pageerror", (err) => consoleErrors.push("uncaught: " + err.message));
    const request = context.request;

    // 1. The map.
    step = "loading the dashboard";
    await page.goto(BASE, { waitUntil: "load", timeout: STEP_MS });
    await waitLoaded(page, 0);
    const first = await checkMapAgainstApi(page, request, "initial view");
    check(first.circles > 0, "no event is drawn on the map");
    const countries = await page.$$eval("#map path.country", (ps) => ps.length);
    check(countries > 100, `only ${countries} country outlines drawn`);
    summary.push(`map: ${first.circles} points for ${first.total} events (${first.query || "no filter"}), ${countries} countries`);

    // 2. The timeline.
    step = "checking the timeline";
    const timeline = await page.$eval("#timeline", (n) => ({
      rows: +n.getAttribute("data-rows"), by: n.getAttribute("data-by"),
      canvas: !!n.querySelector("canvas"), series: n.querySelectorAll(".u-legend .u-series").length,
    }));
    check(timeline.rows > 0 && timeline.canvas, `the timeline is not drawn (${JSON.stringify(timeline)})`);
    summary.push(`timeline: ${timeline.rows} rows by ${timeline.by}, ${timeline.series - 1} category series`);

    // 3. A category filter narrows table and map together.
    step = "filtering by PROTEST";
    const beforeTotal = +(await page.getAttribute("#table-status", "data-total"));
    let gen = await generationOf(page);
    await page.check("#cat-PROTEST");
    await waitLoaded(page, gen);
    check(/category=PROTEST/.test(await page.evaluate(() => location.hash)), "the category is not in the URL hash");
    const rowCats = await page.$$eval("#events-table tr.event-row", (rs) => rs.map((r) => r.dataset.category));
    check(rowCats.length > 0, "no PROTEST row in the table");
    check(rowCats.every((c) => c === "PROTEST"), `the table shows other categories: ${[...new Set(rowCats)]}`);
    const pointCats = await page.$$eval("#map circle.event-point", (cs) => cs.map((c) => c.dataset.category));
    check(pointCats.every((c) => c === "PROTEST"), `the map shows other categories: ${[...new Set(pointCats)]}`);
    const protest = await checkMapAgainstApi(page, request, "PROTEST");
    const afterTotal = +(await page.getAttribute("#table-status", "data-total"));
    check(afterTotal !== beforeTotal, `the table total did not change (${beforeTotal})`);
    check(protest.circles !== first.circles || protest.total !== first.total, "the map did not change");
    summary.push(`PROTEST filter: table ${beforeTotal} -> ${afterTotal} events, map ${first.circles} -> ${protest.circles} points`);

    // 4. Evidence: the first row's sentence with its trigger highlighted.
    step = "opening an event's evidence";
    const row = page.locator("#events-table tr.event-row").first();
    const eventId = await row.getAttribute("data-id");
    await row.focus();
    await page.keyboard.press("Enter");   // rows open from the keyboard too
    await page.waitForFunction(() => {
      const p = document.getElementById("evidence");
      return !p.hidden && p.dataset.loading === "0";
    }, null, { timeout: STEP_MS });
    const answer = await getJson(request, "api/events/" + encodeURIComponent(eventId));
    const shown = await page.$eval("#evidence .sentence", (n) => n.textContent);
    check(shown === answer.evidence.sentence, `the evidence shows "${shown}", the API's sentence is "${answer.evidence.sentence}"`);
    const triggers = await page.$$eval("#evidence .sentence [data-role=trigger]", (ms) => ms.map((m) => m.textContent));
    const apiTriggers = answer.evidence.segments.filter((s) => s.role === "trigger").map((s) => s.text);
    check(apiTriggers.length > 0, `/api/events/${eventId} has no trigger segment`);
    check(triggers.length === apiTriggers.length && triggers.every((t, i) => t === apiTriggers[i]),
      `trigger highlighted as ${JSON.stringify(triggers)}, the API says ${JSON.stringify(apiTriggers)}`);
    const roles = await page.$$eval("#evidence .sentence [data-role]", (ms) => [...new Set(ms.map((m) => m.dataset.role))]);
    summary.push(`evidence of ${eventId}: trigger "${triggers[0]}" highlighted; roles ${roles.join(", ")}`);

    // 5. The URL hash keeps the view: reload and find the same filter and the same open event.
    step = "reloading the shared view";
    await page.reload({ waitUntil: "load", timeout: STEP_MS });
    await waitLoaded(page, 0);
    check(await page.isChecked("#cat-PROTEST"), "after a reload the PROTEST filter is lost");
    await page.waitForFunction(() => !document.getElementById("evidence").hidden &&
      document.getElementById("evidence").dataset.loading === "0", null, { timeout: STEP_MS });
    check((await page.$eval("#evidence .sentence", (n) => n.textContent)) === answer.evidence.sentence,
      "after a reload the evidence panel does not show the same event");
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    summary.push(`reload keeps filter and evidence; screenshot ${SCREENSHOT}`);

    // 6. A country click zooms and filters; zoom out undoes it.
    step = "zooming to a country";
    await page.click("#evidence-close");
    const code = await page.$eval("#map path.country.has-events", (p) => p.getAttribute("data-country")).catch(() => null);
    check(code, "no country is shaded as having events");
    gen = await generationOf(page);
    await page.$eval(`#map path.country[data-country="${code}"]`, (p) => p.dispatchEvent(new MouseEvent("click", { bubbles: true })));
    await waitLoaded(page, gen);
    check(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get("country") === code,
      `clicking ${code} did not put country=${code} in the hash`);
    check(await page.isVisible("#zoom-out"), "no zoom-out button after zooming to a country");
    const rowCountries = await page.$$eval("#events-table tr.event-row", (rs) => rs.map((r) => r.dataset.country));
    check(rowCountries.length > 0 && rowCountries.every((c) => c === code), `rows outside ${code}: ${[...new Set(rowCountries)]}`);
    const zoomed = await checkMapAgainstApi(page, request, `country ${code}`);
    gen = await generationOf(page);
    await page.click("#zoom-out");
    await waitLoaded(page, gen);
    check(!(await page.evaluate(() => location.hash)).includes("country="), "zoom out did not clear the country");
    summary.push(`country ${code}: ${zoomed.circles} points, zoomed and filtered; zoom out works`);

    // 7. Hostile input (the wrapper codes a report whose text, title and url carry markup and a javascript:
    //    url): it must show as text. Also checks the text filter and a view opened from the hash alone.
    step = "hostile report";
    gen = await generationOf(page);
    await page.evaluate(() => { location.hash = "text=onerror&modality=all"; });
    await waitLoaded(page, gen);
    check((await page.inputValue("#f-text")) === "onerror", "the text filter from the hash is not in its box");
    const hostileRows = await page.$$eval("#events-table tr.event-row", (rs) => rs.length);
    if (hostileRows > 0) {
      await page.click("#events-table tr.event-row");
      await page.waitForFunction(() => !document.getElementById("evidence").hidden &&
        document.getElementById("evidence").dataset.loading === "0", null, { timeout: STEP_MS });
      const shownText = await page.$eval("#evidence .sentence", (n) => n.textContent);
      check(shownText.includes("<img"), `the hostile sentence is not shown as text: ${shownText}`);
      const injected = await page.evaluate(() => ({
        xss: window.__xss, images: document.querySelectorAll("img").length,
        jsLinks: [...document.querySelectorAll("a[href]")].filter((a) => /^\s*javascript:/i.test(a.getAttribute("href"))).length,
      }));
      check(injected.xss === undefined && injected.images === 0 && injected.jsLinks === 0,
        `markup from a report was interpreted: ${JSON.stringify(injected)}`);
      await page.click("#evidence-close");
      summary.push(`hostile report: ${hostileRows} event(s) found by text, markup shown as text, no javascript: link`);
    } else {
      summary.push("hostile report: not in this store (skipped)");
    }

    // 8. A story page across documents.
    step = "opening a story";
    await page.click("#reset");
    const stories = (await getJson(request, "api/stories?limit=500")).stories;
    check(stories.length > 0, "/api/stories lists no story");
    const story = stories.slice().sort((a, b) => b.documents - a.documents)[0];
    await page.click("#nav-stories");
    if (story.documents < 2) await page.uncheck("#multi-doc");
    const storyRow = page.locator(`#stories-table tr.story-row[data-story="${story.id}"]`);
    await storyRow.waitFor({ timeout: STEP_MS });
    await storyRow.click();
    await page.waitForFunction(() => {
      const v = document.getElementById("story-view");
      return !v.hidden && v.dataset.loading === "0";
    }, null, { timeout: STEP_MS });
    const full = await getJson(request, "api/stories/" + encodeURIComponent(story.id));
    const docsShown = await page.$$eval("#story-view .story-doc", (ds) => ds.map((d) => d.dataset.doc));
    const docsApi = full.documents.map((d) => d.id);
    check(docsShown.length === docsApi.length && docsApi.every((d) => docsShown.includes(d)),
      `story ${story.id}: the page lists documents ${JSON.stringify(docsShown)}, the API ${JSON.stringify(docsApi)}`);
    const reportRows = await page.$$eval("#story-view table.reports tbody tr", (rs) => rs.length);
    check(reportRows === docsApi.length, `story ${story.id}: ${reportRows} rows of figures for ${docsApi.length} documents`);
    const figures = await page.$$eval("#story-view table.reports td.num", (ts) => ts.map((t) => t.textContent));
    check(figures.every((f) => !/^-/.test(f)), `story ${story.id}: a negative figure is shown: ${JSON.stringify(figures)}`);
    const storyEvents = await page.$$eval("#story-view .story-events li", (ls) => ls.length);
    check(storyEvents === full.events.length, `story ${story.id}: ${storyEvents} events listed, the API has ${full.events.length}`);
    const shot2 = SCREENSHOT.replace(/(\.png)?$/, "-story.png");
    await page.screenshot({ path: shot2, fullPage: false });
    summary.push(`story ${story.id}: ${docsShown.length} documents in ${(full.story.languages || []).join(", ")}, ` +
      `${storyEvents} events` + (story.documents < 2 ? " (no story has 2+ documents in this store)" : ""));

    // 9. A narrow screen: nothing wider than the window.
    step = "narrow screen";
    await page.setViewportSize({ width: 400, height: 800 });
    await page.click("#nav-events");
    await page.waitForTimeout(400);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 2, `at 400 px wide the page is ${overflow} px too wide`);
    summary.push("narrow screen: no horizontal overflow");

    check(consoleErrors.length === 0, `console errors:\n  ${consoleErrors.join("\n  ")}`);
    check(offsite.length === 0, `requests outside ${BASE}:\n  ${offsite.join("\n  ")}`);
  } finally {
    await browser.close();
  }
}

try {
  await main();
  clearTimeout(watchdog);
  console.log("dashboard test:");
  for (const line of summary) console.log("  " + line);
  console.log("  no console errors, no request outside " + BASE);
  console.log("1 passed, 0 failed");
  process.exit(0);
} catch (err) {
  clearTimeout(watchdog);
  console.error(`FAIL (during: ${step}): ${err instanceof Failure ? err.message : err.stack || err}`);
  if (consoleErrors.length) console.error("console errors:\n  " + consoleErrors.join("\n  "));
  if (offsite.length) console.error("requests outside " + BASE + ":\n  " + offsite.join("\n  "));
  console.log("0 passed, 1 failed");
  process.exit(1);
}
