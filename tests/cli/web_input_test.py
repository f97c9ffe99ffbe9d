#!/usr/bin/env python3
"""Web pages, crawl archives and feeds through the `tocsin code` CLI (the issue "Real inputs").

The bars: a WARC.gz built here from HTML pages of the bundled example reports codes to the same events as
their plain text; so do the pages as .html files and as RSS items; the page furniture around them (menus,
share bars, donation appeals) is left out and listed in `removed`; a truncated archive, a Windows-1251
page without a declared charset and deeply nested HTML are survived with clear messages.

usage: web_input_test.py PATH/TO/tocsin PROJECT_DIR
"""
import gzip
import html
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
import uuid

TOCSIN = PROJECT = None

NAV = '<nav class="menu"><a href="/">Home</a> | <a href="/world">World</a> | <a href="/asia">Asia</a></nav>'
SHARE = ('<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>'
         '<aside class="related"><h3>Related</h3><ul><li><a href="/x">Police detained 400 people in Minsk</a></li>'
         '</ul></aside>')
APPEAL = '<div class="donate"><p>Support independent journalism: donate today!</p></div>'


def examples():
    with open(os.path.join(PROJECT, "examples", "input.jsonl"), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def page(rec):
    """An HTML page holding the report: headline, paragraphs, and furniture all around."""
    paras = [p.strip() for p in rec["text"].split("\n\n") if p.strip()]
    title, body = paras[0], paras[1:]
    ps = "".join(f"<p>{html.escape(p)}</p>" for p in body)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | The Wire</title>'
            f'<meta property="article:published_time" content="{rec["published"]}T08:00:00Z">'
            f'<meta property="og:title" content="{html.escape(title)}"></head><body>{NAV}'
            f'<article><h1>{html.escape(title)}</h1>{ps}</article>{SHARE}{APPEAL}'
            f'<footer>© 2024 The Wire. All rights reserved.</footer></body></html>')


def warc_record(kind, uri, payload, content_type):
    rid = f"<urn:uuid:{uuid.uuid4()}>"
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-06-01T10:00:00Z\r\n"
            f"WARC-Record-ID: {rid}\r\nContent-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n")
    return head.encode() + payload + b"\r\n\r\n"


def http_response(body, ctype="text/html; charset=utf-8", status="200 OK"):
    return (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def key(e):
    """What must agree between the plain text and the page: what happened, to whom, where, when."""
    return (e["type"], e["modality"], e["trigger"]["text"],
            tuple(sorted(str(a["country"]) for a in e["source"])), tuple(sorted(str(a["country"]) for a in e["target"])),
            (e["place"] or {}).get("name"), (e["date"] or {}).get("value"))


class WebInput(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="tocsin_web_")
        self.tmp = self._tmp.name
        self.recs = examples()

    def tearDown(self):
        self._tmp.cleanup()

    def run_tocsin(self, *args, stdin=None):
        env = dict(os.environ)
        env.pop("TOCSIN_MODEL", None)
        p = subprocess.run([TOCSIN, "code", *args], cwd=self.tmp, input=stdin, capture_output=True, timeout=120, env=env)
        self.assertGreaterEqual(p.returncode, 0, f"tocsin crashed on {args}: {p.stderr.decode()[-2000:]}")
        events = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
        return p.returncode, events, p.stderr.decode()

    def by_report(self, events, id_of):
        out = {}
        for e in events:
            out.setdefault(id_of(e["doc"]), []).append(key(e))
        return {k: sorted(v) for k, v in out.items()}

    def plain(self):
        path = os.path.join(self.tmp, "plain.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in self.recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        rc, events, err = self.run_tocsin(path)
        self.assertEqual(rc, 0, err)
        self.assertTrue(events, "the plain examples code to events")
        return self.by_report(events, lambda d: d)

    def test_warc_gz_codes_like_the_plain_text(self):
        expected = self.plain()
        path = os.path.join(self.tmp, "crawl.warc.gz")
        ids = {}
        with open(path, "wb") as f:
            # One gzip member per record, as crawlers write them; records to skip around the pages.
            f.write(gzip.compress(warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields")))
            for r in self.recs:
                uri = f"https://news.example.org/{r['id']}"
                ids[uri] = r["id"]
                f.write(gzip.compress(warc_record("request", uri, b"GET / HTTP/1.1\r\n\r\n", "application/http; msgtype=request")))
                f.write(gzip.compress(warc_record("response", uri, http_response(page(r).encode()), "application/http; msgtype=response")))
                f.write(gzip.compress(warc_record("response", uri + ".png", http_response(b"\x89PNG....", "image/png"), "application/http; msgtype=response")))
        docs = os.path.join(self.tmp, "docs.jsonl")
        rc, events, err = self.run_tocsin(path, "--docs", docs)
        self.assertEqual(rc, 0, err)
        records = [json.loads(l) for l in open(docs, encoding="utf-8")]
        self.assertEqual(len(records), len(self.recs), "one document per HTML response, none for requests or images")
        url_of = {d["id"]: d.get("url") for d in records}
        got = self.by_report(events, lambda d: ids[url_of[d]])
        self.assertEqual(got, expected)
        for d in records:
            self.assertTrue(d["id"].startswith("crawl.warc.gz#"), d["id"])
            self.assertTrue(d["removed"], f"{d['id']}: the page furniture is listed in `removed`")
            for junk in ("Share on Facebook", "donate today", "All rights reserved", "Home | World", "Minsk"):
                self.assertNotIn(junk, d["text"], f"{d['id']}: furniture `{junk}` left in the coded text")
            self.assertTrue(d["title"], "the page title is in the document record")

    def test_html_files_and_feed_items_code_like_the_plain_text(self):
        expected = self.plain()
        os.makedirs(os.path.join(self.tmp, "pages"))
        for r in self.recs:
            with open(os.path.join(self.tmp, "pages", r["id"] + ".html"), "w", encoding="utf-8") as f:
                f.write(page(r))
        rc, events, err = self.run_tocsin("pages")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.by_report(events, lambda d: d), expected)
        # The same reports as RSS items: the description carries the article as escaped HTML.
        items = "".join(
            f"<item><title>{html.escape(r['text'].split(chr(10))[0])}</title><link>https://news.example.org/{r['id']}</link>"
            f"<guid>{r['id']}</guid><pubDate>{r['published']}T08:00:00Z</pubDate>"
            f"<description><![CDATA[{''.join('<p>' + html.escape(p) + '</p>' for p in r['text'].split(chr(10) + chr(10))[1:])}]]></description></item>"
            for r in self.recs)
        with open(os.path.join(self.tmp, "feed.rss"), "w", encoding="utf-8") as f:
            f.write(f'<?xml version="1.0"?><rss version="2.0"><channel><title>The Wire</title>{items}</channel></rss>')
        rc, events, err = self.run_tocsin("feed.rss")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.by_report(events, lambda d: d.split("#", 1)[1]), expected)

    def test_truncated_archive_keeps_what_came_before(self):
        data = b"".join(gzip.compress(warc_record("response", f"https://x.org/{r['id']}", http_response(page(r).encode()),
                                                  "application/http; msgtype=response")) for r in self.recs)
        path = os.path.join(self.tmp, "cut.warc.gz")
        with open(path, "wb") as f:
            f.write(data[: len(data) - 200])
        rc, events, err = self.run_tocsin(path)
        self.assertEqual(rc, 1, "a truncated archive is reported in the exit status")
        self.assertIn("cut.warc.gz", err)
        self.assertRegex(err, r"byte \d+", "the message gives the byte offset")
        self.assertTrue(events, "the complete records before the cut are coded")

    def test_undeclared_windows_1251_and_stdin_archive(self):
        text = "Полиция задержала 40 протестующих в Бишкеке в понедельник. Активисты потребовали их освобождения."
        path = os.path.join(self.tmp, "ru.txt")
        with open(path, "wb") as f:
            f.write(text.encode("cp1251"))
        rc, events, err = self.run_tocsin(path)
        self.assertEqual(rc, 0, err)
        self.assertIn("COERCE", {e["type"] for e in events}, "the converted Russian text is coded")
        # A WARC.gz piped on stdin is streamed too.
        r = self.recs[0]
        blob = gzip.compress(warc_record("response", "https://x.org/a", http_response(page(r).encode()),
                                         "application/http; msgtype=response"))
        rc, events, err = self.run_tocsin("-", stdin=blob)
        self.assertEqual(rc, 0, err)
        self.assertTrue(events)

    def test_deeply_nested_html_is_survived(self):
        nested = "<div>" * 100000 + "<p>Police detained 12 protesters in Almaty on Monday.</p>" + "</div>" * 100000
        with open(os.path.join(self.tmp, "deep.html"), "w") as f:
            f.write(nested)
        # (ordinary pages next to it are still coded)
        with open(os.path.join(self.tmp, "ok.html"), "w") as f:
            f.write("<html><body><p>Police detained 12 protesters in Almaty on Monday.</p></body></html>")
        rc, events, err = self.run_tocsin("deep.html", "ok.html")
        self.assertEqual(rc, 1, "the refused page is reported in the exit status")
        self.assertRegex(err, r"deep.*nested .* over the limit of \d+", "the message names the limit")
        self.assertEqual({e["doc"] for e in events}, {"ok"})


def write_corpus(kind, out):
    """Seed inputs for the fuzz targets (scripts/test): pages, archives or feeds made from the examples."""
    recs = examples()
    os.makedirs(out, exist_ok=True)
    for i, r in enumerate(recs):
        p = page(r).encode()
        if kind == "html":
            data = p
        elif kind == "warc":
            data = warc_record("response", f"https://x.org/{i}", http_response(p), "application/http; msgtype=response")
            if i % 2:
                data = gzip.compress(data)
        else:
            data = (f'<rss><channel><item><title>{html.escape(r["id"])}</title><link>https://x.org/{i}</link>'
                    f'<pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate><description><![CDATA[{page(r)}]]></description>'
                    f'</item></channel></rss>').encode()
        with open(os.path.join(out, f"{kind}-{i}"), "wb") as f:
            f.write(data[:8192])


if __name__ == "__main__":
    if sys.argv[1] == "--corpus":
        PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        write_corpus(sys.argv[2], sys.argv[3])
        sys.exit(0)
    TOCSIN, PROJECT = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
