// Tocsin dashboard: map, timeline, table, evidence and story pages over the `tocsin serve` API (doc/api.md).
//
// Design notes
// - One state object, mirrored in the URL hash, drives everything: changing a filter rewrites the hash and
//   the hashchange handler reloads what depends on it, so a view can be shared, reloaded and navigated with
//   the browser's back button.
// - Filters go to the server as the API's own parameters; the page never filters events itself, so map,
//   timeline and table always agree with each other and with /api.
// - Reports are hostile input: every string from the API goes in through textContent or attributes set with
//   setAttribute, never innerHTML; links to sources are only made for http(s) URLs.
// - Each reload gets a generation number; answers that arrive for an older generation are dropped, so a
//   fast typist never sees a stale table. body[data-loading] / body[data-generation] let tests wait.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";

  // PLOVER categories in ontology order, coloured by family: cooperation in greens and blues, verbal
  // conflict in yellows and oranges, material conflict in reds and purples.
  const CATEGORIES = [
    ["AGREE", "#1b9e77"], ["CONSULT", "#66a61e"], ["SUPPORT", "#2c7fb8"], ["CONCEDE", "#41b6c4"],
    ["COOPERATE", "#0868ac"], ["AID", "#74c476"], ["RETREAT", "#006d2c"],
    ["REQUEST", "#e6ab02"], ["ACCUSE", "#fd8d3c"], ["REJECT", "#a6761d"], ["THREATEN", "#f03b20"],
    ["PROTEST", "#e7298a"], ["SANCTION", "#7570b3"], ["MOBILIZE", "#54278f"], ["COERCE", "#bd0026"],
    ["ASSAULT", "#67000d"],
  ];
  const COLOUR = Object.fromEntries(CATEGORIES);
  const DEEDS = "asserted";
  const FILTER_KEYS = ["from", "to", "country", "category", "modality", "mode", "actor", "text", "doc"];
  const MAP_PAGE = 500;       // the API's largest page
  const MAP_PAGES = 4;        // so the map draws at most 2,000 events, and says so when there are more
  const ROLES = [["trigger", "trigger"], ["source", "source"], ["target", "target"], ["place", "place"],
                 ["date", "date"], ["count", "count"]];

  const C = window.TocsinCountries || { NUMERIC: {}, BY_NAME: {}, NAMES: {} };
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------------------------- helpers

  // createElement with attributes and children; strings become text nodes, so data can never become markup.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  // Only http(s) links: a report's url could be javascript: or data:.
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }
  function countryName(code) { return (code && C.NAMES[code]) || code || ""; }
  function fmt(n) { return n === null || n === undefined ? "" : Number(n).toLocaleString("en"); }

  function countText(c) {
    if (!c) return "";
    const q = { at_least: "≥ ", at_most: "≤ ", about: "~" }[c.qualifier] || "";
    if (c.qualifier === "range" && c.min !== undefined) return `${fmt(c.min)}–${fmt(c.max)}`;
    return q + fmt(c.value);
  }
  function actorText(list) {
    if (!list || !list.length) return "";
    return list.map((a) => {
      const code = [a.country, a.sector].filter(Boolean).join("/");
      return (a.name || a.text || "?") + (code ? ` (${code})` : "");
    }).join(", ");
  }
  function placeText(p) {
    if (!p) return "";
    const bits = [p.name, p.admin1 && p.admin1 !== p.name ? p.admin1 : null, p.country ? countryName(p.country) : null];
    return bits.filter(Boolean).filter((b, i, a) => a.indexOf(b) === i).join(", ");
  }
  function hasCoords(e) {
    return e.place && typeof e.place.lat === "number" && typeof e.place.lon === "number";
  }

  class ApiError extends Error {}
  async function api(path, params, signal) {
    const qs = params ? new URLSearchParams(params).toString() : "";
    let res;
    try {
      res = await fetch("api/" + path + (qs ? "?" + qs : ""), { signal, headers: { Accept: "application/json" } });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ApiError("the server did not answer (is tocsin serve still running?)");
    }
    let body = null;
    try { body = await res.json(); } catch (_) { /* an empty or non-JSON body is reported below */ }
    if (!res.ok) {
      const what = body && body.error ? body.error : res.statusText;
      const param = body && body.parameter ? ` (parameter ${body.parameter})` : "";
      throw new ApiError(`${res.status}: ${what}${param}`);
    }
    return body;
  }

  function setStatus(message, isError) {
    const s = $("status");
    s.textContent = message || "";
    s.classList.toggle("error", !!isError);
  }

  // ------------------------------------------------------------------------------------------ URL state

  function readHash() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ""));
    const st = {};
    for (const k of FILTER_KEYS) st[k] = p.get(k) || "";
    if (!st.modality) st.modality = DEEDS;
    st.offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
    st.limit = [25, 50, 100, 200].includes(+p.get("limit")) ? +p.get("limit") : 50;
    st.event = p.get("event") || "";
    st.story = p.get("story") || "";
    st.view = st.story ? "story" : (p.get("view") === "stories" ? "stories" : "events");
    return st;
  }

  function hashFor(st) {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      if (k === "modality" && st.modality === DEEDS) continue;  // the default stays out of the URL
      if (st[k]) p.set(k, st[k]);
    }
    if (st.offset) p.set("offset", st.offset);
    if (st.limit !== 50) p.set("limit", st.limit);
    if (st.view === "stories") p.set("view", "stories");
    if (st.story) p.set("story", st.story);
    if (st.event) p.set("event", st.event);
    return p.toString();
  }

  function writeHash(st) {
    const hash = hashFor(st);
    if (location.hash.replace(/^#/, "") !== hash) location.hash = hash;
    else onHash();
  }

  // The API parameters of the current filters ("all" modalities means no modality parameter).
  function filterParams(st, except) {
    const out = {};
    for (const k of FILTER_KEYS) {
      if (k === except || !st[k]) continue;
      if (k === "modality" && st[k] === "all") continue;
      out[k] = st[k];
    }
    return out;
  }

  let state = readHash();
  let loadedKey = null;        // filters and page of the data on screen, to skip reloads when only the panel changes
  let loadedMapKey = null;     // filters of the map and timeline on screen
  let generation = 0;
  let controller = null;

  function nextState(changes) {
    const next = Object.assign({}, state, changes);
    // Changing what is shown starts the table from the newest event again.
    if (FILTER_KEYS.some((k) => k in changes && changes[k] !== state[k]) && !("offset" in changes)) next.offset = 0;
    return next;
  }
  function update(changes) {
    const next = nextState(changes);
    // The filters do not apply to a story page: changing one goes back to the events they select.
    if (next.story && FILTER_KEYS.some((k) => k in changes && changes[k] !== state[k])) next.story = "";
    writeHash(next);
  }

  // An in-page link that keeps the current filters: a real href (so it can be opened in a new tab or
  // copied) whose plain click updates the state.
  function navLink(text, changes, attrs) {
    return el("a", Object.assign({ href: "#" + hashFor(nextState(changes)), onclick: (ev) => {
      if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      ev.preventDefault(); ev.stopPropagation(); update(changes);
    } }, attrs || {}), text);
  }

  // ----------------------------------------------------------------------------------------- filters UI

  function buildFilterForm() {
    const list = $("f-category");
    for (const [name, colour] of CATEGORIES) {
      const box = el("input", { type: "checkbox", value: name, id: "cat-" + name, "data-category": name });
      box.addEventListener("change", () => {
        const ticked = [...list.querySelectorAll("input:checked")].map((b) => b.value);
        update({ category: ticked.join(",") });
      });
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.background = colour;
      list.appendChild(el("label", { class: "category", for: "cat-" + name },
        box, swatch, el("span", { class: "cat-name", text: name }), el("span", { class: "cat-count", id: "count-" + name })));
    }
    const onChange = (id, key) => $(id).addEventListener("change", () => update({ [key]: $(id).value.trim() }));
    onChange("f-from", "from");
    onChange("f-to", "to");
    onChange("f-country", "country");
    onChange("f-modality", "modality");
    // Text boxes apply on Enter or when left, and after a pause in typing.
    for (const [id, key] of [["f-actor", "actor"], ["f-text", "text"], ["f-mode", "mode"]]) {
      let timer = null;
      $(id).addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => update({ [key]: $(id).value.trim() }), 500);
      });
      $(id).addEventListener("change", () => { clearTimeout(timer); update({ [key]: $(id).value.trim() }); });
    }
    $("filters").addEventListener("submit", (ev) => ev.preventDefault());
    $("reset").addEventListener("click", () => {
      const blank = Object.fromEntries(FILTER_KEYS.map((k) => [k, ""]));
      blank.modality = DEEDS;
      update(blank);
    });
    $("page-size").addEventListener("change", () => update({ limit: +$("page-size").value, offset: 0 }));
    $("prev-page").addEventListener("click", () => update({ offset: Math.max(0, state.offset - state.limit) }));
    $("next-page").addEventListener("click", () => { if (tableNext !== null) update({ offset: tableNext }); });
    $("zoom-out").addEventListener("click", () => update({ country: "" }));
    $("evidence-close").addEventListener("click", () => update({ event: "" }));
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && state.event) update({ event: "" });
    });
    $("multi-doc").addEventListener("change", () => renderStoriesList());
    $("nav-events").addEventListener("click", (ev) => { ev.preventDefault(); update({ view: "events", story: "" }); });
    $("home-link").addEventListener("click", (ev) => { ev.preventDefault(); update({ view: "events", story: "" }); });
    $("nav-stories").addEventListener("click", (ev) => { ev.preventDefault(); update({ view: "stories", story: "", event: "" }); });
  }

  // Puts the state into the form (after a reload or a shared link).
  function syncForm(st) {
    $("f-from").value = st.from;
    $("f-to").value = st.to;
    const country = $("f-country");
    if (st.country && ![...country.options].some((o) => o.value === st.country)) {
      country.appendChild(el("option", { value: st.country, text: countryName(st.country) }));
    }
    country.value = st.country;
    const mod = $("f-modality");
    if (![...mod.options].some((o) => o.value === st.modality)) {
      mod.appendChild(el("option", { value: st.modality, text: st.modality }));
    }
    mod.value = st.modality;
    for (const [id, key] of [["f-actor", "actor"], ["f-text", "text"], ["f-mode", "mode"]]) {
      if (document.activeElement !== $(id)) $(id).value = st[key];
    }
    const cats = new Set(st.category.toUpperCase().split(",").filter(Boolean));
    for (const box of $("f-category").querySelectorAll("input")) box.checked = cats.has(box.value);
    $("page-size").value = String(st.limit);
    const chips = clear($("chips"));
    if (st.doc) {
      chips.appendChild(el("button", { type: "button", class: "chip", title: "Remove this filter",
        onclick: () => update({ doc: "" }) }, "document: " + st.doc + " ×"));
    }
    for (const v of ["events", "stories"]) $("nav-" + v).classList.toggle("active", st.view === v);
  }

  async function loadFilterChoices() {
    // Countries and modes present in the store, with counts, for the select and the datalist.
    try {
      const [countries, modes] = await Promise.all([
        api("aggregate", { by: "country" }), api("aggregate", { by: "mode" })]);
      const select = $("f-country");
      const rows = countries.rows.filter((r) => r.key)
        .sort((a, b) => countryName(a.key).localeCompare(countryName(b.key)));
      for (const r of rows) {
        if ([...select.options].some((o) => o.value === r.key)) continue;
        select.appendChild(el("option", { value: r.key, text: `${countryName(r.key)} (${fmt(r.events)})` }));
      }
      select.value = state.country;
      const dl = $("modes");
      for (const r of modes.rows.filter((r) => r.key)) dl.appendChild(el("option", { value: r.key }));
    } catch (err) {
      if (err.name !== "AbortError") setStatus("Could not list countries: " + err.message, true);
    }
  }

  async function loadHealth() {
    try {
      const h = await api("health");
      $("health").textContent =
        `${fmt(h.events)} events · ${fmt(h.documents)} documents · ${fmt(h.stories)} stories · ${h.backend || ""}`;
    } catch (err) {
      $("health").textContent = "";
      setStatus("The API is not answering: " + err.message, true);
    }
  }

  // ------------------------------------------------------------------------------------------------ map

  const map = {
    svg: null, sphere: null, graticule: null, land: null, points: null,
    world110: null, world50: null, features: null, byAlpha3: new Map(),
    projection: null, path: null, width: 0, height: 0, events: [], focus: null, shaded: new Set(),
  };

  async function loadWorld(which) {
    const res = await fetch(`vendor/countries-${which}.json`);
    if (!res.ok) throw new ApiError(`world outlines ${which}: ${res.status}`);
    const topo = await res.json();
    const fc = topojson.feature(topo, topo.objects.countries);
    for (const f of fc.features) {
      f.alpha3 = (f.id && C.NUMERIC[f.id]) || C.BY_NAME[f.properties && f.properties.name] || null;
    }
    return fc.features;
  }

  function useFeatures(features) {
    map.features = features;
    map.byAlpha3 = new Map();
    for (const f of features) {
      if (!f.alpha3) continue;
      // A country drawn in several features (Cyprus and N. Cyprus) zooms to all of them.
      const prev = map.byAlpha3.get(f.alpha3);
      map.byAlpha3.set(f.alpha3, prev ? { type: "FeatureCollection", features: [].concat(prev.features || [prev], f) } : f);
    }
  }

  function setupMap() {
    const box = $("map");
    map.svg = svg("svg", { class: "map-svg", role: "img", "aria-label": "Map of events" });
    map.sphere = svg("path", { class: "sphere" });
    map.graticule = svg("path", { class: "graticule" });
    map.land = svg("g", { class: "countries" });
    map.points = svg("g", { class: "points" });
    map.svg.append(map.sphere, map.graticule, map.land, map.points);
    box.appendChild(map.svg);

    // One listener per kind on the groups rather than one per shape: the map stays fast with thousands of points.
    map.land.addEventListener("click", (ev) => {
      const code = ev.target.getAttribute("data-country");
      if (code) update({ country: code });
    });
    map.points.addEventListener("click", (ev) => {
      const id = ev.target.getAttribute("data-id");
      if (id) { ev.stopPropagation(); update({ event: id }); }
    });
    const tip = $("tooltip");
    map.svg.addEventListener("mousemove", (ev) => {
      const t = ev.target;
      let lines = null;
      if (t.hasAttribute && t.hasAttribute("data-id")) lines = pointLines(map.eventsById.get(t.getAttribute("data-id")));
      else if (t.hasAttribute && t.hasAttribute("data-country")) {
        const code = t.getAttribute("data-country");
        lines = [countryName(code), "click to zoom and filter"];
      }
      if (!lines) { tip.hidden = true; return; }
      clear(tip);
      lines.forEach((l, i) => tip.appendChild(el(i ? "div" : "strong", { text: l })));
      tip.hidden = false;
      const x = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      const y = Math.min(ev.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    });
    map.svg.addEventListener("mouseleave", () => { tip.hidden = true; });
    let timer = null;
    new ResizeObserver(() => { clearTimeout(timer); timer = setTimeout(() => drawMap(), 100); }).observe(box);
  }

  function pointLines(e) {
    if (!e) return null;
    const lines = [`${e.type}${e.mode ? " · " + e.mode : ""}${e.modality !== DEEDS ? " (" + e.modality + ")" : ""}`];
    lines.push(placeText(e.place) + (e.place && e.place.precision ? ` · ${e.place.precision}` : ""));
    if (e.date && e.date.value) lines.push(e.date.value);
    if (e.dead) lines.push("dead: " + countText(e.dead));
    if (e.injured) lines.push("injured: " + countText(e.injured));
    const s = actorText(e.source), t = actorText(e.target);
    if (s || t) lines.push((s || "?") + " → " + (t || "?"));
    const here = map.stack.get(stackKey(e));
    if (here > 1) lines.push(`${here} events at this place: click opens this one, or filter the table`);
    return lines;
  }
  function stackKey(e) { return e.place.lat.toFixed(3) + "," + e.place.lon.toFixed(3); }

  // Marker area grows with deaths (sqrt scale), relative to the largest toll on the map so one massacre
  // does not cover a continent; tolls under 50 never get the largest marker.
  const MIN_R = 3.5;
  function deadOf(e) { return e.dead && typeof e.dead.value === "number" && e.dead.value > 0 ? e.dead.value : 0; }
  function radiusScale(events, width) {
    const top = Math.max(50, ...events.map(deadOf));
    const maxR = Math.max(12, Math.min(30, width / 45));
    const r = (dead) => MIN_R + (maxR - MIN_R) * Math.sqrt(Math.min(dead, top) / top);
    r.top = top;
    return r;
  }
  let radius = (e) => MIN_R;

  function drawSizeKey(scale) {
    const key = clear($("size-key"));
    const values = [1, 10, 100, 1000, 10000, 100000].filter((v) => v <= scale.top).slice(-3);
    if (!values.length) return;
    key.appendChild(el("span", { text: "dead:" }));
    for (const v of values) {
      const r = scale(v);
      const s = svg("svg", { width: 2 * r + 2, height: 2 * r + 2, "aria-hidden": "true" });
      s.appendChild(svg("circle", { cx: r + 1, cy: r + 1, r, class: "size-circle" }));
      key.appendChild(el("span", { class: "size-item" }, s, fmt(v)));
    }
  }

  function drawMap() {
    if (!map.features) return;
    const box = $("map");
    const w = box.clientWidth || 800, h = box.clientHeight || 400;
    map.width = w; map.height = h;
    map.svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    map.svg.setAttribute("width", w);
    map.svg.setAttribute("height", h);

    const focus = state.country ? map.byAlpha3.get(state.country) : null;
    const projection = d3.geoNaturalEarth1();
    if (focus) {
      // Centre the projection on the country first, so one that crosses the antimeridian is not torn apart.
      const [lon] = d3.geoCentroid(focus);
      projection.rotate([-lon, 0]).fitExtent([[24, 24], [w - 24, h - 24]], focus);
    } else {
      // The world without Antarctica and the high Arctic: more room for where events happen.
      projection.fitExtent([[4, 4], [w - 4, h - 4]],
        { type: "MultiPoint", coordinates: [[-180, 0], [180, 0], [0, 83], [0, -56]] });
    }
    const path = d3.geoPath(projection);
    map.projection = projection;
    map.sphere.setAttribute("d", path({ type: "Sphere" }));
    map.graticule.setAttribute("d", path(d3.geoGraticule10()));
    clear(map.land);
    const frag = document.createDocumentFragment();
    for (const f of map.features) {
      const d = path(f);
      if (!d) continue;
      const cls = ["country"];
      if (f.alpha3 && map.shaded.has(f.alpha3)) cls.push("has-events");
      if (f.alpha3 && f.alpha3 === state.country) cls.push("focus");
      const attrs = { d, class: cls.join(" ") };
      if (f.alpha3) attrs["data-country"] = f.alpha3;
      frag.appendChild(svg("path", attrs));
    }
    map.land.appendChild(frag);
    drawPoints();
    $("zoom-out").hidden = !state.country;
    $("map-title").textContent = state.country ? countryName(state.country) : "World";
  }

  function drawPoints() {
    clear(map.points);
    if (!map.projection) return;
    map.stack = new Map();
    for (const e of map.events) if (hasCoords(e)) map.stack.set(stackKey(e), (map.stack.get(stackKey(e)) || 0) + 1);
    const scale = radiusScale(map.events.filter(hasCoords), map.width);
    radius = (e) => scale(deadOf(e));
    drawSizeKey(scale);
    // Biggest first so small markers stay on top and clickable.
    const placed = map.events.filter(hasCoords).sort((a, b) => radius(b) - radius(a));
    const frag = document.createDocumentFragment();
    let drawn = 0;
    for (const e of placed) {
      const xy = map.projection([e.place.lon, e.place.lat]);
      if (!xy || !isFinite(xy[0]) || !isFinite(xy[1])) continue;
      const colour = COLOUR[e.type] || "#555";
      const kind = e.modality === DEEDS ? "deed" : (e.modality === "negated" ? "negated" : "nondeed");
      const c = svg("circle", {
        cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: radius(e).toFixed(1),
        class: "event-point " + kind, "data-id": e.id, "data-category": e.type, "data-modality": e.modality,
        "aria-label": pointLines(e).join(", "),
      });
      c.style.setProperty("--c", colour);
      frag.appendChild(c);
      drawn++;
    }
    map.points.appendChild(frag);
    $("map-status").setAttribute("data-points", drawn);
    return drawn;
  }

  // Loads up to MAP_PAGES pages of events for the map; returns what the status line needs.
  async function loadMapEvents(params, signal) {
    let offset = 0, total = 0, exact = true;
    const events = [];
    for (let i = 0; i < MAP_PAGES; i++) {
      const page = await api("events", Object.assign({}, params, { limit: MAP_PAGE, offset }), signal);
      total = page.total;
      exact = page.total_exact !== false;
      events.push(...page.events);
      if (page.next === null || page.next === undefined) break;
      offset = page.next;
    }
    return { events, total, exact };
  }

  async function ensureDetail() {
    // 1:110m is enough for the world; a country zoom gets 1:50m outlines (and the small countries 110m lacks).
    const want = state.country ? "50m" : "110m";
    if (want === "50m" && !map.world50) map.world50 = await loadWorld("50m");
    const features = (want === "50m" ? map.world50 : map.world110) || map.world110 || map.world50;
    if (features && map.features !== features) useFeatures(features);
  }

  // --------------------------------------------------------------------------------------------- timeline

  let plot = null;

  function dayDiff(a, b) { return (Date.parse(b) - Date.parse(a)) / 86400000; }

  function keyToSeconds(key) {
    const iso = key.length === 7 ? key + "-01" : key.length === 4 ? key + "-01-01" : key;
    return Date.parse(iso + "T00:00:00Z") / 1000;
  }

  async function loadTimeline(params, signal) {
    // Daily bars when the span is short, else weekly, else monthly: a few hundred bars at most.
    let by = "day";
    let agg = await api("aggregate", Object.assign({ by, split: "category" }, params), signal);
    const keys = agg.rows.map((r) => r.key).filter(Boolean);
    if (keys.length) {
      const span = dayDiff(keys[0], keys[keys.length - 1]);
      const want = span > 3 * 365 ? "month" : span > 120 ? "week" : "day";
      if (want !== by) {
        by = want;
        agg = await api("aggregate", Object.assign({ by, split: "category" }, params), signal);
      }
    }
    return agg;
  }

  function drawTimeline(agg, matching) {
    const box = $("timeline");
    if (plot) { plot.destroy(); plot = null; }
    clear(box);
    const rows = agg.rows.filter((r) => r.key);
    const total = rows.reduce((s, r) => s + r.events, 0);
    const undated = matching - total;
    $("timeline-status").textContent = (rows.length
      ? `${fmt(total)} events by ${agg.by}, stacked by category` + (agg.by === "day" ? "" : ` (${agg.by} of the bar's start)`)
      : "") + (undated > 0 ? `; ${fmt(undated)} undated` : "");
    box.setAttribute("data-rows", rows.length);
    box.setAttribute("data-by", agg.by);
    if (!rows.length) {
      box.appendChild(el("p", { class: "empty", text: "No dated events match these filters." }));
      return;
    }
    const xs = [...new Set(rows.map((r) => r.key))].sort();
    const cats = CATEGORIES.map((c) => c[0]).filter((c) => rows.some((r) => r.split === c));
    const extra = [...new Set(rows.map((r) => r.split).filter((s) => s && !COLOUR[s]))];
    const allCats = cats.concat(extra);
    const index = new Map(xs.map((k, i) => [k, i]));
    const raw = allCats.map(() => new Array(xs.length).fill(0));
    for (const r of rows) {
      const ci = allCats.indexOf(r.split);
      if (ci >= 0) raw[ci][index.get(r.key)] += r.events;
    }
    // Stacked bars: series i carries the sum of categories 0..i; the tallest is drawn first and each
    // smaller one over it, so each category shows as its own band. Legend values show the raw counts.
    const stacked = [];
    let acc = new Array(xs.length).fill(0);
    for (const r of raw) { acc = acc.map((v, i) => v + r[i]); stacked.push(acc); }
    const order = allCats.map((_, i) => allCats.length - 1 - i);
    const secs = xs.map(keyToSeconds);
    const step = { day: 86400, week: 7 * 86400, month: 30 * 86400 }[agg.by] || 86400;
    const bars = uPlot.paths.bars({ size: [0.9, 40, 3], align: 1 });
    const series = [{ label: agg.by === "month" ? "Month" : agg.by === "week" ? "Week of" : "Day",
                      value: (u, v) => v === null ? "" : new Date(v * 1000).toISOString().slice(0, agg.by === "month" ? 7 : 10) }];
    for (const ci of order) {
      const colour = COLOUR[allCats[ci]] || "#777";
      series.push({
        label: allCats[ci], stroke: colour, fill: colour, width: 0, paths: bars, points: { show: false },
        value: (u, v, si, i) => (i === null || i === undefined ? "" : fmt(raw[ci][i])),
      });
    }
    const data = [secs, ...order.map((ci) => stacked[ci])];
    const width = box.clientWidth || 800;
    plot = new uPlot({
      width, height: 170,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),   // keys are UTC dates, not local times
      cursor: { drag: { x: true, y: false, setScale: false } },
      // A few buckets of room at each end, so the first and last bars are whole (and a lone bar is not lost
      // in a range of years, uPlot's default for a single value).
      scales: { x: { time: true, range: () => [secs[0] - 3 * step, secs[secs.length - 1] + 4 * step] }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { size: 40, values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? v : "")) }],
      legend: { live: true },
      series,
      hooks: {
        // Dragging across the timeline sets the date filters to that range.
        setSelect: [(u) => {
          if (u.select.width < 4) return;
          const a = u.posToVal(u.select.left, "x"), b = u.posToVal(u.select.left + u.select.width, "x");
          const day = (s) => new Date(s * 1000).toISOString().slice(0, 10);
          u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
          update({ from: day(a), to: day(b) });
        }],
      },
    }, data, box);
  }

  // ------------------------------------------------------------------------------------------------ table

  let tableNext = null;

  function renderTable(page) {
    const tbody = clear($("events-table").tBodies[0]);
    tableNext = page.next === undefined ? null : page.next;
    const frag = document.createDocumentFragment();
    for (const e of page.events) {
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.background = COLOUR[e.type] || "#777";
      const who = [actorText(e.source) || "—", actorText(e.target)].filter(Boolean).join(" → ");
      const row = el("tr", {
        tabindex: 0, class: "event-row " + (e.modality === DEEDS ? "deed" : "nondeed"),
        "data-id": e.id, "data-category": e.type, "data-modality": e.modality, "data-country": (e.place && e.place.country) || "",
        title: "Open the evidence (Enter)",
      },
        el("td", { class: "date", text: (e.date && e.date.value) || "" }),
        el("td", { class: "category" }, swatch, e.type, e.mode ? el("span", { class: "mode", text: " " + e.mode }) : null),
        el("td", { class: "modality", text: e.modality }),
        el("td", { class: "actors", text: who }),
        el("td", { class: "place", text: placeText(e.place) }),
        el("td", { class: "num", text: countText(e.dead) }));
      if (e.id === state.event) row.classList.add("selected");
      frag.appendChild(row);
    }
    tbody.appendChild(frag);
    if (!page.events.length) {
      tbody.appendChild(el("tr", {}, el("td", { colspan: 6, class: "empty", text: "No events match these filters." })));
    }
    const first = page.total ? page.offset + 1 : 0;
    const last = page.offset + page.events.length;
    // The API counts exactly up to 10,000 matches and says "at least" beyond (total_exact false).
    const of = page.total_exact === false ? `more than ${fmt(page.total)}` : fmt(page.total);
    $("table-status").textContent = `${fmt(first)}–${fmt(last)} of ${of}`;
    $("table-status").setAttribute("data-total", page.total);
    $("prev-page").disabled = page.offset === 0;
    $("next-page").disabled = tableNext === null;
  }

  function bindRows(tbody) {
    const open = (row) => { if (row && row.dataset.id) update({ event: row.dataset.id }); };
    tbody.addEventListener("click", (ev) => open(ev.target.closest("tr")));
    tbody.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(ev.target.closest("tr")); }
    });
  }

  // ---------------------------------------------------------------------------------------- events view

  async function loadEventsView() {
    const params = filterParams(state);
    const key = JSON.stringify([params, state.offset, state.limit]);
    if (key === loadedKey) return;
    const mapKey = JSON.stringify(params);
    const mapChanged = mapKey !== loadedMapKey;   // paging the table leaves the map and timeline alone
    loadedKey = key;
    loadedMapKey = mapKey;

    if (controller) controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    const gen = ++generation;
    document.body.dataset.loading = "1";
    setStatus("Loading…");
    try {
      const tablePromise = api("events", Object.assign({}, params, { limit: state.limit, offset: state.offset }), signal);
      let mapPromise = null, timelinePromise = null, countsPromise = null, shadePromise = null;
      if (mapChanged) {
        mapPromise = loadMapEvents(params, signal);
        timelinePromise = loadTimeline(params, signal);
        countsPromise = api("aggregate", Object.assign({ by: "category" }, filterParams(state, "category")), signal);
        shadePromise = api("aggregate", Object.assign({ by: "country" }, params), signal);
      }
      await ensureDetail();
      const [page, mapData, agg, counts, shade] =
        await Promise.all([tablePromise, mapPromise, timelinePromise, countsPromise, shadePromise]);
      if (gen !== generation) return;
      renderTable(page);
      if (mapChanged) {
        map.events = mapData.events;
        map.eventsById = new Map(mapData.events.map((e) => [e.id, e]));
        map.shaded = new Set(shade.rows.map((r) => r.key).filter(Boolean));
        drawMap();
        const drawn = +$("map-status").getAttribute("data-points");
        const unplaced = mapData.events.length - mapData.events.filter(hasCoords).length;
        let text = `${fmt(drawn)} events on the map`;
        if (mapData.events.length < mapData.total) {
          const of = mapData.exact ? fmt(mapData.total) : `more than ${fmt(mapData.total)}`;
          text = `showing ${fmt(drawn)} of ${of} matching events (the newest ${fmt(mapData.events.length)})`;
        }
        if (unplaced) text += `; ${fmt(unplaced)} without coordinates`;
        const ms = $("map-status");
        ms.textContent = text;
        ms.setAttribute("data-fetched", mapData.events.length);
        ms.setAttribute("data-total", mapData.total);
        ms.setAttribute("data-query", new URLSearchParams(params).toString());
        drawTimeline(agg, mapData.total);
        for (const [name] of CATEGORIES) $("count-" + name).textContent = "";
        for (const r of counts.rows) {
          const n = $("count-" + r.key);
          if (n) n.textContent = fmt(r.events);
        }
      }
      setStatus("");
    } catch (err) {
      if (err.name === "AbortError") return;
      loadedKey = loadedMapKey = null;
      setStatus(err.message, true);
    } finally {
      if (gen === generation) {
        document.body.dataset.loading = "0";
        document.body.dataset.generation = String(gen);
      }
    }
  }

  // ------------------------------------------------------------------------------------------- evidence

  let evidenceFor = null;

  async function showEvidence(id) {
    const panel = $("evidence");
    for (const r of document.querySelectorAll("tr.event-row")) r.classList.toggle("selected", r.dataset.id === id);
    for (const c of document.querySelectorAll("circle.selected")) c.classList.remove("selected");
    if (!id) {
      // Keyboard users go back to the row they opened.
      const was = evidenceFor && [...document.querySelectorAll("tr.event-row")].find((r) => r.dataset.id === evidenceFor);
      if (!panel.hidden && was && panel.contains(document.activeElement)) was.focus();
      panel.hidden = true;
      evidenceFor = null;
      return;
    }
    const pt = map.points && [...map.points.children].find((c) => c.getAttribute("data-id") === id);
    if (pt) { pt.classList.add("selected"); map.points.appendChild(pt); }
    if (evidenceFor === id) { panel.hidden = false; return; }
    evidenceFor = id;
    const body = clear($("evidence-body"));
    panel.hidden = false;
    panel.dataset.loading = "1";
    body.appendChild(el("p", { class: "note", text: "Loading…" }));
    let answer;
    try {
      answer = await api("events/" + encodeURIComponent(id));
    } catch (err) {
      if (evidenceFor !== id) return;
      clear(body).appendChild(el("p", { class: "error", text: "Could not load this event: " + err.message }));
      panel.dataset.loading = "0";
      return;
    }
    if (evidenceFor !== id) return;
    renderEvidence(body, answer);
    panel.dataset.loading = "0";
    panel.focus();
  }

  function renderSentence(evidence) {
    const p = el("p", { class: "sentence", lang: "" });
    const segments = (evidence && evidence.segments) || [];
    if (!segments.length && evidence && evidence.sentence) p.appendChild(document.createTextNode(evidence.sentence));
    for (const s of segments) {
      if (!s.role) { p.appendChild(document.createTextNode(s.text)); continue; }
      p.appendChild(el("mark", { class: "seg role-" + s.role.replace(/[^a-z]/g, ""), "data-role": s.role, title: s.role, text: s.text }));
    }
    return p;
  }

  function dl(pairs) {
    const list = el("dl", { class: "fields" });
    for (const [k, v] of pairs) {
      if (v === null || v === undefined || v === "") continue;
      list.append(el("dt", { text: k }), el("dd", {}, v));
    }
    return list;
  }

  function renderEvidence(body, answer) {
    const e = answer.event || {};
    const doc = answer.document || {};
    clear(body);
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.background = COLOUR[e.type] || "#777";
    body.appendChild(el("p", { class: "evidence-kind" }, swatch, el("strong", { text: e.type || "" }),
      e.mode ? " · " + e.mode : "", " · ", el("span", { class: "modality-" + (e.modality === DEEDS ? "deed" : "nondeed"), text: e.modality || "" }),
      e.date && e.date.value ? " · " + e.date.value : ""));
    if (e.modality && e.modality !== DEEDS) {
      body.appendChild(el("p", { class: "warning", text: e.modality === "negated"
        ? "The report says this did not happen."
        : `Not a deed: the report says this was ${e.modality}.` }));
    }
    const lang = (doc.lang || e.lang || "").replace(/[^A-Za-z-]/g, "");
    const sentence = renderSentence(answer.evidence);
    if (lang) sentence.setAttribute("lang", lang);
    sentence.setAttribute("dir", "auto");
    body.appendChild(sentence);
    const legend = el("p", { class: "role-legend", "aria-label": "Highlight key" });
    for (const [role, label] of ROLES) legend.appendChild(el("mark", { class: "seg role-" + role, text: label }));
    body.appendChild(legend);

    body.appendChild(el("h3", { text: "Document" }));
    const url = safeUrl(doc.url);
    const title = doc.title || doc.id || e.doc || "(untitled)";
    body.appendChild(el("p", { class: "doc-title" },
      url ? el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank", text: title }) : el("span", { text: title })));
    body.appendChild(dl([
      ["id", doc.id || e.doc], ["published", doc.published], ["language", doc.lang || e.lang], ["source", doc.source],
      ["url", doc.url && !url ? doc.url : null],
    ]));
    body.appendChild(el("p", {}, navLink("All events from this document",
      { doc: e.doc, event: "", view: "events", story: "" }, { class: "doc-filter" })));

    body.appendChild(el("h3", { text: "Event" }));
    const storyLink = e.story ? navLink("story " + e.story + " (all its reports)", { story: e.story, event: "" }, { class: "story-link" }) : null;
    const date = e.date ? [e.date.value, e.date.precision && e.date.precision !== "day" ? `(${e.date.precision})` : "",
      e.date.text ? `“${e.date.text}”` : "", e.date.basis ? `· ${e.date.basis}` : ""].filter(Boolean).join(" ") : null;
    const place = e.place ? [placeText(e.place), e.place.precision ? `(${e.place.precision})` : "",
      typeof e.place.lat === "number" ? `${e.place.lat.toFixed(2)}, ${e.place.lon.toFixed(2)}` : "",
      e.place.text ? `“${e.place.text}”` : ""].filter(Boolean).join(" ") : null;
    const counts = (k) => e[k] ? countText(e[k]) + (e[k].text ? ` “${e[k].text}”` : "") : null;
    body.appendChild(dl([
      ["id", e.id], ["type", e.type], ["mode", e.mode], ["modality", e.modality],
      ["context", (e.context || []).join(", ")],
      ["source", actorText(e.source)], ["target", actorText(e.target)],
      ["reported by", e.reported_by ? actorText([e.reported_by]) : null],
      ["place", place], ["date", date],
      ["dead", counts("dead")], ["injured", counts("injured")], ["arrested", counts("arrested")], ["size", counts("size")],
      ["trigger", e.trigger ? `“${e.trigger.text}”` : null],
      ["CAMEO", e.cameo], ["ACLED", e.acled ? [e.acled.event_type, e.acled.sub_event_type].filter(Boolean).join(" / ") : null],
      ["group", e.group], ["story", storyLink], ["confidence", typeof e.confidence === "number" ? e.confidence.toFixed(2) : null],
    ]));
    body.appendChild(el("details", { class: "raw" }, el("summary", { text: "Full record (JSON)" }),
      el("pre", { text: JSON.stringify(e, null, 2) })));
  }

  // -------------------------------------------------------------------------------------------- stories

  let storiesCache = null;

  async function loadStoriesList() {
    const tbody = clear($("stories-table").tBodies[0]);
    $("stories-status").textContent = "Loading…";
    const params = {};
    for (const k of ["country", "from", "to"]) if (state[k]) params[k] = state[k];
    try {
      storiesCache = await api("stories", Object.assign({ limit: 500, offset: 0 }, params));
    } catch (err) {
      $("stories-status").textContent = "";
      setStatus("Could not list stories: " + err.message, true);
      tbody.appendChild(el("tr", {}, el("td", { colspan: 7, class: "error", text: err.message })));
      return;
    }
    renderStoriesList();
    setStatus("");
  }

  function renderStoriesList() {
    if (!storiesCache) return;
    const tbody = clear($("stories-table").tBodies[0]);
    const multi = $("multi-doc").checked;
    const list = storiesCache.stories.filter((s) => !multi || s.documents >= 2);
    for (const s of list) {
      const open = () => update({ story: s.id, event: "" });
      tbody.appendChild(el("tr", { tabindex: 0, class: "story-row", "data-story": s.id,
        onclick: open, onkeydown: (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } } },
        el("td", {}, navLink(s.id, { story: s.id, event: "" })),
        el("td", { text: dateRange(s.first_date, s.last_date) }),
        el("td", { text: countryName(s.country) }),
        el("td", { text: (s.places || []).join(", ") }),
        el("td", { class: "num", text: fmt(s.documents) }),
        el("td", { text: (s.languages || []).join(", ") }),
        el("td", { class: "num", text: fmt(s.events) })));
    }
    if (!list.length) {
      tbody.appendChild(el("tr", {}, el("td", { colspan: 7, class: "empty",
        text: multi ? "No story here is told by two or more documents; untick the box to see all." : "No stories." })));
    }
    const capped = storiesCache.total > storiesCache.stories.length ? ` (the latest ${fmt(storiesCache.stories.length)} of ${fmt(storiesCache.total)})` : "";
    $("stories-status").textContent = `${fmt(list.length)} stories shown${capped}; country and dates from the filters apply.`;
  }

  function dateRange(a, b) { return a && b && a !== b ? `${a} – ${b}` : (a || b || ""); }

  async function loadStory(id) {
    const view = clear($("story-view"));
    view.dataset.loading = "1";
    view.appendChild(el("p", { class: "note", text: "Loading story " + id + "…" }));
    let answer;
    try {
      answer = await api("stories/" + encodeURIComponent(id));
    } catch (err) {
      if (state.story !== id) return;
      clear(view).appendChild(el("p", { class: "error", text: `Could not load story ${id}: ${err.message}` }));
      view.dataset.loading = "0";
      return;
    }
    if (state.story !== id) return;
    renderStory(view, answer);
    view.dataset.loading = "0";
    setStatus("");
  }

  function renderStory(view, answer) {
    const s = answer.story || {};
    const events = answer.events || [];
    const docs = answer.documents || [];
    clear(view);
    view.appendChild(el("p", {}, navLink("‹ all stories", { view: "stories", story: "", event: "" })));
    view.appendChild(el("h2", { class: "story-title" }, `Story ${s.id}: `,
      (s.places || []).join(", ") || countryName(s.country), " · ", dateRange(s.first_date, s.last_date)));
    view.appendChild(dl([
      ["country", countryName(s.country)], ["places", (s.places || []).join(", ")],
      ["dates", dateRange(s.first_date, s.last_date)], ["kinds", (s.families || []).join(", ")],
      ["actors", (s.actors || []).join(", ")], ["documents", fmt(s.documents)],
      ["languages", (s.languages || []).join(", ")], ["events", fmt(s.events)],
    ]));

    // Figures per report: where reports disagree on the toll, the spread is the story. A report that gives
    // no figure may carry null or a negative number: both mean "not stated", never a count.
    // The API may also list a document several times (one entry per date or happening it reports): one row
    // per document here, with its date range, its highest stated figures and all its events.
    const stated = (v) => (typeof v === "number" && v >= 0 ? v : null);
    const most = (a, b) => (a === null ? b : b === null ? a : Math.max(a, b));
    const byDoc = new Map();
    for (const r of s.reports || []) {
      const row = byDoc.get(r.doc) || { doc: r.doc, lang: r.lang, first: null, last: null, dead: null, injured: null, events: 0 };
      if (r.date && (!row.first || r.date < row.first)) row.first = r.date;
      if (r.date && (!row.last || r.date > row.last)) row.last = r.date;
      row.dead = most(row.dead, stated(r.dead));
      row.injured = most(row.injured, stated(r.injured));
      row.events += typeof r.events === "number" ? r.events : 0;
      byDoc.set(r.doc, row);
    }
    const reports = [...byDoc.values()];
    if (reports.length) {
      view.appendChild(el("h3", { text: "What each report says" }));
      const deads = reports.map((r) => r.dead).filter((d) => typeof d === "number");
      if (deads.length > 1 && Math.min(...deads) !== Math.max(...deads)) {
        view.appendChild(el("p", { class: "warning", text: `Reports disagree on the dead: from ${fmt(Math.min(...deads))} to ${fmt(Math.max(...deads))}.` }));
      }
      const table = el("table", { class: "reports" },
        el("thead", {}, el("tr", {}, ["Document", "Language", "Dates", "Dead (highest)", "Injured (highest)", "Events"].map((h, i) =>
          el("th", { scope: "col", class: i >= 3 ? "num" : null, text: h })))));
      const tb = el("tbody");
      for (const r of reports) {
        // A button, not an #anchor link: the hash holds the view's state.
        const jump = () => { const card = $("story-doc-" + cssId(r.doc)); if (card) card.scrollIntoView({ behavior: "smooth" }); };
        tb.appendChild(el("tr", {}, el("td", {}, el("button", { type: "button", class: "link-button", onclick: jump, text: r.doc })),
          el("td", { text: r.lang || "" }), el("td", { text: dateRange(r.first, r.last) }),
          el("td", { class: "num", text: fmt(r.dead) }), el("td", { class: "num", text: fmt(r.injured) }),
          el("td", { class: "num", text: fmt(r.events) })));
      }
      table.appendChild(tb);
      view.appendChild(table);
    }

    view.appendChild(el("h3", { text: `Documents (${docs.length})` }));
    const list = el("div", { class: "story-docs" });
    // Documents in the order of the figures table (the story's reports), then any other the API lists.
    const docIds = reports.map((r) => r.doc);
    for (const id of docs.map((d) => d.id).concat(events.map((e) => e.doc))) if (!docIds.includes(id)) docIds.push(id);
    for (const docId of docIds) {
      const d = docs.find((x) => x.id === docId) || { id: docId };
      const url = safeUrl(d.url);
      const lang = (d.lang || "").replace(/[^A-Za-z-]/g, "");
      const card = el("section", { class: "story-doc", id: "story-doc-" + cssId(d.id), "data-doc": d.id });
      card.appendChild(el("h4", {}, el("span", { class: "lang-badge", text: d.lang || "?" }), " ",
        url ? el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank", text: d.title || d.id })
            : el("span", { text: d.title || d.id })));
      if (lang) card.lastChild.setAttribute("lang", lang);
      card.appendChild(el("p", { class: "note", text: [d.id, d.published, d.source].filter(Boolean).join(" · ") }));
      const ul = el("ul", { class: "story-events" });
      for (const e of events.filter((x) => x.doc === d.id)) {
        const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
        swatch.style.background = COLOUR[e.type] || "#777";
        const li = el("li", {}, el("button", { type: "button", class: "link-button", "data-id": e.id,
          onclick: () => update({ event: e.id }) },
          swatch, `${e.type}${e.modality !== DEEDS ? " (" + e.modality + ")" : ""}`,
          e.date && e.date.value ? ` · ${e.date.value}` : "", e.dead ? ` · dead ${countText(e.dead)}` : ""),
          el("span", { class: "story-sentence", text: " " + (e.sentence ? e.sentence.text : ""), lang: lang || null, dir: "auto" }));
        ul.appendChild(li);
      }
      card.appendChild(ul);
      list.appendChild(card);
    }
    view.appendChild(list);
  }
  function cssId(s) { return String(s).replace(/[^A-Za-z0-9_-]/g, "_"); }

  // ------------------------------------------------------------------------------------------- routing

  function onHash() {
    const prev = state;
    state = readHash();
    syncForm(state);
    $("events-view").hidden = state.view !== "events";
    $("stories-view").hidden = state.view !== "stories";
    $("story-view").hidden = state.view !== "story";
    if (state.view === "events") {
      loadEventsView();
    } else if (state.view === "stories") {
      const k = ["country", "from", "to"].map((x) => state[x]).join("|");
      if (!storiesCache || prev.view !== "stories" || storiesKey !== k) { storiesKey = k; loadStoriesList(); }
    } else if (state.view === "story" && (prev.story !== state.story || !$("story-view").firstChild || prev.view !== "story")) {
      loadStory(state.story);
    }
    showEvidence(state.event);
  }
  let storiesKey = null;

  async function start() {
    buildFilterForm();
    bindRows($("events-table").tBodies[0]);
    setupMap();
    let timer = null;
    new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => { if (plot && $("timeline").clientWidth) plot.setSize({ width: $("timeline").clientWidth, height: 170 }); }, 100);
    }).observe($("timeline"));
    syncForm(state);
    window.addEventListener("hashchange", onHash);
    loadHealth();
    loadFilterChoices();
    try {
      map.world110 = await loadWorld("110m");
    } catch (err) {
      setStatus("Could not load the world outlines: " + err.message, true);
    }
    onHash();
  }

  start();
})();
