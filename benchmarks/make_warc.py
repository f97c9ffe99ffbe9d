#!/usr/bin/env python3
"""Builds the WARC.gz benchmark input (scripts/bench): each article of a JSONL corpus as an HTML page in a
response record (one gzip member each), and the same texts as JSONL, so that the two can be timed alike.
usage: make_warc.py SOURCE.jsonl OUT.warc.gz OUT.jsonl REPEATS"""
import gzip, html, json, sys, uuid
src, warc_out, jsonl_out, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
recs = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
with open(warc_out, "wb") as w, open(jsonl_out, "w", encoding="utf-8") as j:
    for r in range(reps):
        for rec in recs:
            rid = f"{rec['id']}-{r}"
            paras = [p for p in rec["text"].split("\n\n") if p.strip()] or [rec["text"]]
            body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
            title = rec.get("title") or rid
            published = rec.get("published") or "2024-06-01"
            page = (f"<html><head><title>{html.escape(title)}</title>"
                    f"<meta property='article:published_time' content='{published}'></head>"
                    f"<body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>{body}</article>"
                    f"<footer>All rights reserved</footer></body></html>").encode()
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
            head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://x.org/{rid}\r\n"
                    f"WARC-Date: 2024-06-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
                    f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
            w.write(gzip.compress(head + http + b"\r\n\r\n", compresslevel=6))
            # The same report as plain text: headline, paragraphs, date.
            j.write(json.dumps({"id": rid, "text": "\n\n".join([title] + paras), "published": published},
                               ensure_ascii=False) + "\n")
