#!/usr/bin/env python3
"""The HTTP API of `tocsin serve` (doc/api.md), as a client sees it over loopback.

usage: api_test.py TOCSIN SOURCE_DIR        (stdlib only)

1. Codes SOURCE_DIR/examples/input.jsonl into a fresh SQLite store and serves it read-only (`--port 0`).
2. Every endpoint of doc/api.md against what the store holds, computed independently here with sqlite3 and the
   FORMAT.md records: health; events with each filter (totals), paging, evidence segments; aggregates; documents;
   stories; 404s; 405 for POST on a read-only server; the dashboard's files (skipped without web/).
3. A second server with --ingest: POST input records (English and Russian), read them back, POST again (no
   duplicates), bad bodies (400 with an error).
4. Fuzzing (the issue's bar: bad API parameters give 4xx, never 5xx or a crash): a seeded mix of valid and hostile
   values in every parameter of every GET endpoint, weird ids, path traversal on static files. Every status < 500,
   every /api/ body JSON, every 4xx body with an "error" string; where all values are known valid the answer is
   200 and its figures match the records; where one is known bad, 400. The server is alive at the end.
   Seed: env TOCSIN_FUZZ_SEED (printed); request count: env TOCSIN_FUZZ_REQUESTS (default 2500).

Exit 0 when every check passes; otherwise each failure is printed and the exit status is 1.
"""
import collections
import datetime
import hashlib
import http.client
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

TOCSIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/tocsin")
SOURCE = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".")
SEED = int(os.environ.get("TOCSIN_FUZZ_SEED", "20240611"))
FUZZ_REQUESTS = int(os.environ.get("TOCSIN_FUZZ_REQUESTS", "2500"))
GLOBAL_TIMEOUT = int(os.environ.get("TOCSIN_API_TEST_TIMEOUT", "600"))
REQUEST_TIMEOUT = 20

FILTERS = ["from", "to", "country", "admin1", "category", "mode", "modality", "actor", "text", "story", "doc"]
CATEGORIES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
              "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
MODALITIES = ["asserted", "negated", "requested", "promised", "threatened", "predicted", "hypothetical"]
DIMENSIONS = ["day", "week", "month", "country", "admin1", "category", "modality", "mode", "story"]
ROLES = {None, "trigger", "source", "target", "place", "date", "count"}


class Timeout(Exception):
    pass


# ---------------------------------------------------------------------------------------------------- checks

class Checks:
    def __init__(self):
        self.count = 0
        self.failures = collections.OrderedDict()  # kind -> [messages]
        self.notes = []

    def ok(self, cond, kind, msg=""):
        self.count += 1
        if not cond:
            self.failures.setdefault(kind, []).append(msg)
        return bool(cond)

    def eq(self, got, want, kind, msg=""):
        return self.ok(got == want, kind, f"{msg} got {short(got)}, expected {short(want)}")

    def note(self, msg):
        self.notes.append(msg)


CHECKS = Checks()


def short(x, n=300):
    s = x if isinstance(x, str) else repr(x)
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"


# ---------------------------------------------------------------------------------------------------- server

class Server:
    def __init__(self, db, tmp, name, *extra):
        self.err_path = os.path.join(tmp, name + ".stderr")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen([TOCSIN, "serve", "--db", db, "--port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=self.err, stdin=subprocess.DEVNULL)
        line = b""
        deadline = time.time() + 60
        while not line.endswith(b"\n") and time.time() < deadline and self.proc.poll() is None:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if r:
                ch = os.read(self.proc.stdout.fileno(), 1)
                if not ch:
                    break
                line += ch
        m = re.match(rb"listening on http://127\.0\.0\.1:(\d+)/\n$", line)
        if not m:
            self.stop()
            raise RuntimeError(f"`tocsin serve {' '.join(extra)}` did not start: stdout {line!r}, "
                               f"stderr {self.stderr_text()!r}")
        self.port = int(m.group(1))

    def stderr_text(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-2000:]
        except OSError:
            return ""

    def alive(self):
        return self.proc.poll() is None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes); status None when the connection failed (the message in body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        except (OSError, http.client.HTTPException) as e:
            return None, {}, f"{type(e).__name__}: {e}".encode()
        finally:
            conn.close()

    def get_json(self, path, kind="http"):
        status, headers, body = self.request("GET", path)
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        CHECKS.ok(status == 200 and data is not None, kind, f"GET {short(path)} -> {status} {short(body)}")
        return data if status == 200 and data is not None else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.err.close()


def q(**params):
    return "?" + urllib.parse.urlencode(params) if params else ""


def enc(s):
    return urllib.parse.quote(s, safe="")


# ---------------------------------------------------------------------------------------------------- model

def first_day(e):
    d = (e.get("date") or {}).get("value")
    if not d:
        return None
    if len(d) == 4:
        return d + "-01-01"
    if len(d) == 7:
        return d + "-01"
    return d[:10]


def monday(day):
    d = datetime.date.fromisoformat(day)
    return (d - datetime.timedelta(days=d.weekday())).isoformat()


def actors_of(e):
    out = list(e.get("source") or []) + list(e.get("target") or [])
    if e.get("reported_by"):
        out.append(e["reported_by"])
    return out


def is_code(s, lo, hi):
    return lo <= len(s) <= hi and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" for c in s)


class Model:
    """The store's contents read with sqlite3; filters applied to FORMAT.md records as doc/api.md says."""

    def __init__(self, db):
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self.events = [json.loads(r) for (r,) in c.execute("SELECT record FROM events")]
        self.by_id = {e["id"]: e for e in self.events}
        self.docs = {}
        for row in c.execute("SELECT id, title, url, source, published, lang, event_count, record FROM documents"):
            self.docs[row[0]] = dict(zip(["id", "title", "url", "source", "published", "lang", "events"], row[:7]),
                                     record=json.loads(row[7]))
        self.stories = {}
        for sid, rec, first, last, country in c.execute(
                "SELECT id, record, first_day, last_day, country FROM stories"):
            self.stories[sid] = json.loads(rec)
        self.sql = c

    def count(self, sql, *params):
        return self.sql.execute(sql, params).fetchone()[0]

    def match(self, e, f):
        d = first_day(e)
        if f.get("from") and (d is None or d < f["from"]):
            return False
        if f.get("to") and (d is None or d > f["to"]):
            return False
        place = e.get("place") or {}
        if f.get("country") and place.get("country") not in f["country"]:
            return False
        if f.get("admin1") and place.get("admin1") != f["admin1"]:
            return False
        if f.get("category") and e["type"] not in f["category"]:
            return False
        if f.get("mode") and e.get("mode") != f["mode"]:
            return False
        if f.get("modality") and e["modality"] not in f["modality"]:
            return False
        if f.get("story") and e.get("story") != f["story"]:
            return False
        if f.get("doc") and e["doc"] != f["doc"]:
            return False
        if f.get("actor"):
            a = f["actor"]
            country, slash, sector = a.partition("/")
            if (is_code(country, 2, 6) or (not country and sector)) and (not sector or is_code(sector, 3, 3)):
                if not any((not country or x.get("country") == country) and (not sector or x.get("sector") == sector)
                           for x in actors_of(e)):
                    return False
            elif not any(a.lower() in (x.get("name") or "").lower() for x in actors_of(e)):
                return False
        if f.get("text") and f["text"].lower() not in e["sentence"]["text"].lower():
            return False
        return True

    def select(self, f):
        return [e for e in self.events if self.match(e, f)]

    def documents(self, f):
        if not any(f.values()):
            return set(self.docs)
        return {e["doc"] for e in self.select(f)}

    def dim(self, e, by):
        place = e.get("place") or {}
        d = first_day(e)
        if by == "day":
            return d or ""
        if by == "week":
            return monday(d) if d else ""
        if by == "month":
            return e["date"]["value"][:7] if e.get("date") and e["date"].get("precision") in ("day", "month") else ""
        return {"country": place.get("country"), "admin1": place.get("admin1"), "category": e["type"],
                "modality": e["modality"], "mode": e.get("mode"), "story": e.get("story")}[by] or ""

    def aggregate(self, f, by, split):
        rows = collections.defaultdict(lambda: [0, 0, 0, 0])
        for e in self.select(f):
            r = rows[(self.dim(e, by), self.dim(e, split) if split else "")]
            r[0] += 1
            if e["modality"] == "asserted":
                for i, k in enumerate(("dead", "injured", "arrested"), 1):
                    r[i] += (e.get(k) or {}).get("value") or 0
        return {k: tuple(v) for k, v in rows.items()}

    def stories_matching(self, f):
        out = []
        for sid, s in self.stories.items():
            if f.get("country") and s.get("country") not in f["country"]:
                continue
            if f.get("from") and (not s.get("last_date") or s["last_date"] < f["from"]):
                continue
            if f.get("to") and (not s.get("first_date") or s["first_date"] > f["to"]):
                continue
            out.append(sid)
        return out


def rows_of(answer):
    return {(r["key"] or "", (r.get("split") or "")): (r["events"], r["dead"], r["injured"], r["arrested"])
            for r in answer["rows"]}


# ---------------------------------------------------------------------------------------------------- part 2

def check_read_only_server(srv, model, web_dir):
    n_events, n_docs, n_stories = (model.count("SELECT count(*) FROM events"),
                                   model.count("SELECT count(*) FROM documents"),
                                   model.count("SELECT count(*) FROM stories"))
    CHECKS.ok(n_events > 20 and n_docs >= 5, "setup", f"the examples coded into {n_events} events, {n_docs} docs")

    # health
    h = srv.get_json("/api/health", "health")
    if h:
        for k, v in {"status": "ok", "schema_version": 2, "documents": n_docs, "events": n_events,
                     "stories": n_stories, "read_only": True, "backend": "sqlite"}.items():
            CHECKS.eq(h.get(k), v, "health", f"/api/health {k}:")

    # events: each filter, totals against SQL (and against the records)
    def total(params, kind):
        a = srv.get_json("/api/events" + q(**params, limit=1), kind)
        return a["total"] if a else None

    c = collections.Counter((e.get("place") or {}).get("country") for e in model.events)
    countries = [k for k, _ in c.most_common() if k]
    for cc in countries:
        CHECKS.eq(total({"country": cc}, "filter-country"),
                  model.count("SELECT count(*) FROM events WHERE country = ?", cc), "filter-country", f"country={cc}")
        CHECKS.eq(total({"country": cc.lower()}, "filter-country"),
                  model.count("SELECT count(*) FROM events WHERE country = ?", cc), "filter-country",
                  f"country={cc.lower()}")
    if len(countries) >= 2:
        two = countries[:2]
        CHECKS.eq(total({"country": ",".join(two)}, "filter-country"),
                  model.count("SELECT count(*) FROM events WHERE country IN (?, ?)", *two), "filter-country",
                  f"country={','.join(two)}")
    types = sorted({e["type"] for e in model.events})
    for t in types:
        want = model.count("SELECT count(*) FROM events WHERE type = ?", t)
        CHECKS.eq(total({"category": t}, "filter-category"), want, "filter-category", f"category={t}")
        CHECKS.eq(total({"category": t.lower()}, "filter-category"), want, "filter-category", f"category={t.lower()}")
    CHECKS.eq(total({"category": "protest,Assault"}, "filter-category"),
              model.count("SELECT count(*) FROM events WHERE type IN ('PROTEST', 'ASSAULT')"), "filter-category",
              "category=protest,Assault")
    for m in MODALITIES:
        CHECKS.eq(total({"modality": m}, "filter-modality"),
                  model.count("SELECT count(*) FROM events WHERE modality = ?", m), "filter-modality", f"modality={m}")
    CHECKS.eq(total({"modality": "asserted,negated"}, "filter-modality"),
              model.count("SELECT count(*) FROM events WHERE modality IN ('asserted', 'negated')"), "filter-modality",
              "modality=asserted,negated")
    # from/to: an event counts from the first day of its date
    days = sorted({first_day(e) for e in model.events if first_day(e)})
    mid = days[len(days) // 2]
    for params in ({"from": mid}, {"to": mid}, {"from": days[0], "to": days[0]}, {"from": mid, "to": days[-1]},
                   {"from": "2000-01-01", "to": "2000-12-31"}):
        want = len(model.select(params))
        CHECKS.eq(total(params, "filter-date"), want, "filter-date", f"{params}")
    sql_from = model.count("SELECT count(*) FROM events WHERE substr(date || '-01-01', 1, 10) >= ?", mid)
    CHECKS.eq(total({"from": mid}, "filter-date"), sql_from, "filter-date", f"from={mid} (SQL)")
    # month/year-dated events count from their first day
    coarse = [e for e in model.events if e.get("date") and e["date"].get("precision") in ("month", "year")]
    for e in coarse[:3]:
        fd = first_day(e)
        a = srv.get_json("/api/events" + q(**{"from": fd, "to": fd, "doc": e["doc"], "limit": 500}), "filter-date")
        if a:
            CHECKS.ok(e["id"] in {x["id"] for x in a["events"]}, "filter-date",
                      f"event {e['id']} dated {e['date']['value']} not found with from=to={fd}")
    # mode, admin1
    for mode in sorted({e.get("mode") for e in model.events if e.get("mode")})[:4]:
        CHECKS.eq(total({"mode": mode}, "filter-mode"), model.count("SELECT count(*) FROM events WHERE mode = ?", mode),
                  "filter-mode", f"mode={mode}")
    for a1 in sorted({(e.get("place") or {}).get("admin1") for e in model.events} - {None})[:3]:
        CHECKS.eq(total({"admin1": a1}, "filter-admin1"),
                  model.count("SELECT count(*) FROM events WHERE admin1 = ?", a1), "filter-admin1", f"admin1={a1}")
    # actor by code and by name
    codes = collections.Counter((x.get("country"), x.get("sector")) for e in model.events for x in actors_of(e)
                                if x.get("country") and x.get("sector"))
    for (cc, sec), _ in codes.most_common(3):
        for actor in (f"{cc}/{sec}", f"/{sec}", cc):
            country, _, sector = actor.partition("/")
            want = model.count(
                "SELECT count(*) FROM events WHERE n IN (SELECT event_n FROM actors WHERE "
                "(? = '' OR country = ?) AND (? = '' OR sector = ?))", country, country, sector, sector)
            CHECKS.eq(total({"actor": actor}, "filter-actor"), want, "filter-actor", f"actor={actor}")
            CHECKS.eq(want, len(model.select({"actor": actor})), "model", f"actor={actor} SQL vs records")
    names = collections.Counter(x.get("name") for e in model.events for x in actors_of(e) if x.get("name"))
    for name, _ in names.most_common(3):
        for v in (name, name.upper(), name[1:-1] if len(name) > 4 else name):
            want = len(model.select({"actor": v}))
            CHECKS.eq(total({"actor": v}, "filter-actor"), want, "filter-actor", f"actor={v!r}")
    # text: substring of the sentence, any case (also outside ASCII: doc/api.md says "any case")
    for e in model.events[:: max(1, len(model.events) // 6)]:
        words = [w for w in re.findall(r"\w{5,}", e["sentence"]["text"])]
        if not words:
            continue
        w = words[len(words) // 2]
        for v in (w, w.upper(), w.lower()):
            want = len(model.select({"text": v}))
            CHECKS.eq(total({"text": v}, "filter-text-case"), want, "filter-text-case",
                      f"text={v!r} ({'ASCII' if v.isascii() else 'non-ASCII'}):")
    CHECKS.eq(total({"text": "%"}, "filter-text"), model.count("SELECT count(*) FROM events WHERE instr(json_extract(record, '$.sentence.text'), '%') > 0"),
              "filter-text", "text=% (a literal percent sign, not a wildcard)")
    for name in ("text", "actor"):  # a NUL matches nothing (or is refused), it does not end the pattern
        status, _, body = srv.request("GET", f"/api/events?{name}=%00&limit=1")
        CHECKS.ok(status == 400 or (status == 200 and json.loads(body)["total"] == 0), "filter-nul",
                  f"GET /api/events?{name}=%00 -> {status} {short(body, 120)}; expected total 0 (no {name} holds a "
                  f"NUL) or 400")
    CHECKS.eq(total({"text": "_"}, "filter-text"), model.count("SELECT count(*) FROM events WHERE instr(json_extract(record, '$.sentence.text'), '_') > 0"),
              "filter-text", "text=_ (a literal underscore, not a wildcard)")
    # story and doc
    story_counts = collections.Counter(e.get("story") for e in model.events if e.get("story"))
    for sid, n in story_counts.most_common(3):
        CHECKS.eq(total({"story": sid}, "filter-story"), model.count("SELECT count(*) FROM events WHERE story = ?", sid),
                  "filter-story", f"story={sid}")
    for d in model.docs:
        CHECKS.eq(total({"doc": d}, "filter-doc"), model.count("SELECT count(*) FROM events WHERE doc = ?", d),
                  "filter-doc", f"doc={d}")
    # combined
    if countries:
        params = {"country": countries[0], "modality": "asserted", "category": ",".join(types[:3])}
        CHECKS.eq(total(params, "filter-combined"), len(model.select({**params, "category": types[:3],
                                                                      "country": [countries[0]],
                                                                      "modality": ["asserted"]})),
                  "filter-combined", f"{params}")

    # paging: limit/offset/next cover every event exactly once, newest first
    seen, offset, pages = [], 0, 0
    while offset is not None and pages < 200:
        a = srv.get_json(f"/api/events?limit=7&offset={offset}", "paging")
        if not a:
            break
        pages += 1
        CHECKS.eq((a["limit"], a["offset"], a["total"]), (7, offset, n_events), "paging", "page header:")
        CHECKS.ok(len(a["events"]) == min(7, n_events - offset), "paging", f"offset {offset}: {len(a['events'])} events")
        seen.extend(a["events"])
        want_next = offset + len(a["events"]) if offset + len(a["events"]) < n_events else None
        CHECKS.eq(a["next"], want_next, "paging", f"next at offset {offset}:")
        offset = a["next"]
    ids = [e["id"] for e in seen]
    CHECKS.eq(len(ids), len(set(ids)), "paging", "duplicates across pages:")
    CHECKS.eq(set(ids), set(model.by_id), "paging", "pages cover the events:")
    keys = [first_day(e) for e in seen]
    dated = [k for k in keys if k]
    CHECKS.ok(dated == sorted(dated, reverse=True), "paging", "events not newest first by date")
    CHECKS.ok(all(k is None for k in keys[len(dated):]), "paging", "undated events not last")
    for e in seen[:50]:
        CHECKS.eq(e, model.by_id.get(e["id"]), "event-record", f"event {e['id']} in the list vs the store record:")
    a = srv.get_json(f"/api/events?limit=5&offset={n_events}", "paging")
    if a:
        CHECKS.eq((a["events"], a["next"], a["total"]), ([], None, n_events), "paging", "offset past the end:")
    a = srv.get_json("/api/events", "paging")
    if a:
        CHECKS.eq((a["limit"], a["offset"], len(a["events"])), (50, 0, min(50, n_events)), "paging", "defaults:")

    # one event with its evidence
    checked_roles = collections.Counter()
    for e in model.events:
        a = srv.get_json("/api/events/" + enc(e["id"]), "event")
        if not a:
            continue
        CHECKS.eq(a["event"], e, "event", f"/api/events/{e['id']} record:")
        doc = model.docs[e["doc"]]
        CHECKS.eq({k: a["document"].get(k) for k in ("id", "title", "url", "source", "published", "lang")},
                  {k: doc[k] for k in ("id", "title", "url", "source", "published", "lang")}, "event",
                  f"/api/events/{e['id']} document:")
        ev = a["evidence"]
        sentence = e["sentence"]["text"]
        CHECKS.eq(ev["sentence"], sentence, "evidence", f"{e['id']} evidence sentence:")
        segs = ev["segments"]
        CHECKS.eq("".join(s["text"] for s in segs), sentence, "evidence", f"{e['id']} segments concatenated:")
        CHECKS.ok(all(s["role"] in ROLES and s["text"] for s in segs), "evidence", f"{e['id']} segments {short(segs)}")
        CHECKS.ok(all(segs[i]["role"] != segs[i + 1]["role"] for i in range(len(segs) - 1)), "evidence",
                  f"{e['id']}: neighbouring segments with the same role")
        base = e["sentence"]["span"][0]
        end = e["sentence"]["span"][1]
        roles = {s["role"] for s in segs}

        def inside(x):
            sp = (x or {}).get("span")
            return sp and base <= sp[0] < sp[1] <= end

        trig = e.get("trigger") or {}
        if inside(trig):
            t = [s["text"] for s in segs if s["role"] == "trigger"]
            CHECKS.eq(t, [trig["text"]], "evidence", f"{e['id']} trigger segment(s):")
            checked_roles["trigger"] += 1
        taken = [tuple(trig["span"])] if inside(trig) else []

        def free(sp):
            return all(sp[1] <= b or sp[0] >= en for b, en in taken)

        for role, xs in (("source", e.get("source") or []), ("target", e.get("target") or []),
                         ("place", [e.get("place")] if e.get("place") else [])):
            spans = [tuple(x["span"]) for x in xs if inside(x)]
            if any(free(sp) for sp in spans):
                CHECKS.ok(role in roles, "evidence", f"{e['id']}: no `{role}` segment though the event has a {role} "
                                                     f"span {spans} in its sentence")
                checked_roles[role] += 1
            taken.extend(spans)
    CHECKS.ok(checked_roles["trigger"] > 10 and checked_roles["source"] and checked_roles["place"], "evidence",
              f"too few roles checked: {dict(checked_roles)}")

    # aggregates
    asserted = model.sql.execute("SELECT coalesce(sum(dead), 0), coalesce(sum(injured), 0), "
                                 "coalesce(sum(arrested), 0) FROM events WHERE modality = 'asserted'").fetchone()
    for by in ("day", "week", "month", "category", "country"):
        for split in ("category", ""):
            a = srv.get_json("/api/aggregate" + q(by=by, **({"split": split} if split else {})), "aggregate")
            if not a:
                continue
            CHECKS.eq((a["by"], a["split"]), (by, split or None), "aggregate", f"by={by} split={split} header:")
            CHECKS.eq(sum(r["events"] for r in a["rows"]), n_events, "aggregate", f"by={by} split={split} events:")
            for i, k in enumerate(("dead", "injured", "arrested")):
                CHECKS.eq(sum(r[k] for r in a["rows"]), asserted[i], "aggregate",
                          f"by={by} split={split} sum of {k} (asserted events only):")
            CHECKS.eq(rows_of(a), model.aggregate({}, by, split), "aggregate", f"by={by} split={split} rows:")
            order = [(r["key"] or "", r.get("split") or "") for r in a["rows"]]
            CHECKS.ok(order == sorted(order), "aggregate", f"by={by} split={split}: rows not ordered by key, split")
            if by == "week":
                CHECKS.ok(all(not r["key"] or datetime.date.fromisoformat(r["key"]).weekday() == 0 for r in a["rows"]),
                          "aggregate", "by=week keys are not Mondays")
            if by == "month":
                CHECKS.ok(all(not r["key"] or re.fullmatch(r"\d{4}-\d\d", r["key"]) for r in a["rows"]), "aggregate",
                          "by=month keys are not YYYY-MM")
    for cc in countries[:2]:
        a = srv.get_json("/api/aggregate" + q(by="category", country=cc), "aggregate")
        if a:
            CHECKS.eq(sum(r["events"] for r in a["rows"]),
                      model.count("SELECT count(*) FROM events WHERE country = ?", cc), "aggregate",
                      f"by=category country={cc} events:")
            CHECKS.eq(sum(r["dead"] for r in a["rows"]),
                      model.count("SELECT coalesce(sum(dead), 0) FROM events WHERE country = ? AND modality = 'asserted'",
                                  cc), "aggregate", f"by=category country={cc} dead:")
    a = srv.get_json("/api/aggregate", "aggregate")
    if a:
        CHECKS.eq(a["by"], "day", "aggregate", "default by:")

    # documents
    a = srv.get_json("/api/documents?limit=500", "documents")
    if a:
        CHECKS.eq(a["total"], n_docs, "documents", "total:")
        got = {d["id"]: d for d in a["documents"]}
        CHECKS.eq(set(got), set(model.docs), "documents", "ids:")
        for did, d in got.items():
            want = {k: model.docs[did][k] for k in ("id", "title", "url", "source", "published", "lang")}
            want["events"] = model.count("SELECT count(*) FROM events WHERE doc = ?", did)
            CHECKS.eq(d, want, "documents", f"document {did}:")
    a2 = srv.get_json("/api/documents?limit=2&offset=1", "documents")
    if a and a2:
        CHECKS.eq([d["id"] for d in a2["documents"]], [d["id"] for d in a["documents"]][1:3], "documents", "paging:")
        CHECKS.eq(a2["next"], 3 if n_docs > 3 else None, "documents", "next:")
    for cc in countries[:3]:
        a = srv.get_json("/api/documents" + q(country=cc), "documents")
        if a:
            CHECKS.eq(a["total"], model.count("SELECT count(DISTINCT doc) FROM events WHERE country = ?", cc),
                      "documents", f"country={cc} total:")
    for did in model.docs:
        a = srv.get_json("/api/documents/" + enc(did), "document")
        if not a:
            continue
        CHECKS.eq(a["document"].get("id"), did, "document", "id:")
        CHECKS.eq(a["document"].get("text"), model.docs[did]["record"].get("text"), "document", f"{did} text:")
        CHECKS.ok(isinstance(a["document"].get("text"), str) and a["document"]["text"], "document", f"{did} has no text")
        CHECKS.eq(sorted(e["id"] for e in a["events"]),
                  sorted(r[0] for r in model.sql.execute("SELECT id FROM events WHERE doc = ?", (did,))), "document",
                  f"{did} events:")

    # stories
    a = srv.get_json("/api/stories?limit=500", "stories")
    if a:
        CHECKS.eq(a["total"], n_stories, "stories", "total:")
        CHECKS.eq({s["id"] for s in a["stories"]}, set(model.stories), "stories", "ids:")
        last = [s.get("last_date") or "" for s in a["stories"]]
        CHECKS.ok(all(last[i] >= last[i + 1] for i in range(len(last) - 1) if last[i + 1]), "stories",
                  "stories not latest first")
        for s in a["stories"]:
            CHECKS.eq(s["events"], model.count("SELECT count(*) FROM events WHERE story = ?", s["id"]), "stories",
                      f"story {s['id']} events:")
            CHECKS.eq(s["documents"], len({r["doc"] for r in s["reports"]}), "stories", f"story {s['id']} documents:")
            for k in ("id", "first_date", "last_date", "country", "places", "families", "actors", "reports",
                      "documents", "languages", "events"):
                CHECKS.ok(k in s, "stories", f"story {s['id']} lacks `{k}`")
    for cc in countries[:2]:
        a = srv.get_json("/api/stories" + q(country=cc, limit=500), "stories")
        if a:
            CHECKS.eq(a["total"], model.count("SELECT count(*) FROM stories WHERE country = ?", cc), "stories",
                      f"country={cc} total:")
    for params in ({"from": mid}, {"to": mid}, {"from": mid, "to": mid}):
        a = srv.get_json("/api/stories" + q(**params, limit=500), "stories")
        if a:
            CHECKS.eq(a["total"], len(model.stories_matching(params)), "stories", f"{params} total:")
    busiest = sorted(model.stories, key=lambda s: -model.count("SELECT count(*) FROM events WHERE story = ?", s))[:5]
    for sid in busiest:
        a = srv.get_json("/api/stories/" + enc(sid), "story")
        if not a:
            continue
        CHECKS.eq(a["story"]["id"], sid, "story", "id:")
        CHECKS.ok(a["events"] and all(e.get("story") == sid for e in a["events"]), "story",
                  f"{sid}: events without its id or none")
        CHECKS.eq(len(a["events"]), model.count("SELECT count(*) FROM events WHERE story = ?", sid), "story",
                  f"{sid} events:")
        CHECKS.eq(len(a["documents"]), a["story"]["documents"], "story", f"{sid} documents listed vs its count:")
        CHECKS.eq(sorted(d["id"] for d in a["documents"]),
                  sorted(r[0] for r in model.sql.execute("SELECT DISTINCT doc FROM events WHERE story = ?", (sid,))),
                  "story", f"{sid} documents:")

    # 404, 405
    for path in ("/api/events/no-such-event%23999", "/api/documents/no-such-doc", "/api/stories/s999999",
                 "/api/nothing", "/api/events/", "/api/", "/api/healthz", "/api/events/x/y"):
        status, headers, body = srv.request("GET", path)
        CHECKS.eq(status, 404, "404", f"GET {path}:")
        CHECKS.ok(error_body(body), "404", f"GET {path} body {short(body)}")
    status, _, body = srv.request("POST", "/api/documents", b'{"id": "x", "text": "Police arrested 3."}\n',
                                  {"Content-Type": "application/x-ndjson"})
    CHECKS.eq(status, 405, "405", "POST /api/documents on a read-only server:")
    CHECKS.ok(error_body(body), "405", f"POST body {short(body)}")
    h = srv.get_json("/api/health", "405")
    CHECKS.ok(h and h["documents"] == n_docs, "405", "a read-only server stored a POSTed document")

    # the dashboard
    if not web_dir:
        print("note: this build has no web/ directory beside the binary: dashboard checks skipped")
        CHECKS.note("dashboard checks skipped (no web/)")
    else:
        status, headers, body = srv.request("GET", "/")
        CHECKS.ok(status == 200 and "text/html" in headers.get("content-type", "") and
                  (b"<html" in body.lower() or b"<!doctype html" in body.lower()), "dashboard",
                  f"GET / -> {status} {headers.get('content-type')}")
        status, headers, body = srv.request("GET", "/vendor/d3-geo.min.js")
        CHECKS.ok(status == 200 and len(body) > 1000 and "javascript" in headers.get("content-type", ""), "dashboard",
                  f"GET /vendor/d3-geo.min.js -> {status} {headers.get('content-type')} {len(body)} bytes")


def error_body(body):
    try:
        j = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(j, dict) and isinstance(j.get("error"), str) and j["error"] != ""


# ---------------------------------------------------------------------------------------------------- part 3

INGEST_EN = {
    "id": "api-test-en-1", "published": "2024-06-04", "lang": "en", "source": "Tocsin API test",
    "title": "Deadly clashes at a rally in Osh",
    "text": "Police opened fire on protesters in Osh, Kyrgyzstan, on Monday, killing three people and injuring "
            "twelve. Officers arrested 25 demonstrators after the rally, the interior ministry said. "
            "Hundreds of residents had gathered outside the city hall to protest against rising fuel prices.",
}
INGEST_RU = {
    "id": "api-test-ru-1", "published": "2024-06-05", "lang": "ru", "source": "Tocsin API test",
    "title": "Митинг в Бишкеке",
    "text": "Во вторник в Бишкеке около пятисот человек вышли на митинг у здания парламента, требуя отставки "
            "правительства. Полиция задержала 12 участников акции.",
}


def check_ingest(tmp):
    db = os.path.join(tmp, "ingest.db")
    srv = Server(db, tmp, "ingest", "--ingest")
    try:
        h = srv.get_json("/api/health", "ingest")
        if h:
            CHECKS.eq((h["read_only"], h["documents"], h["events"]), (False, 0, 0), "ingest", "fresh store health:")
        body = (json.dumps(INGEST_EN, ensure_ascii=False) + "\n" + json.dumps(INGEST_RU, ensure_ascii=False) + "\n")
        status, _, resp = srv.request("POST", "/api/documents", body.encode("utf-8"),
                                      {"Content-Type": "application/x-ndjson"})
        CHECKS.eq(status, 200, "ingest", f"POST two records ({short(resp)}):")
        try:
            r = json.loads(resp)
        except ValueError:
            r = {}
        CHECKS.eq(r.get("documents"), 2, "ingest", "POST answer documents:")
        CHECKS.eq(r.get("errors"), [], "ingest", "POST answer errors:")
        n = r.get("events")
        CHECKS.ok(isinstance(n, int) and n >= 2, "ingest", f"POST answer events: {n}")
        h = srv.get_json("/api/health", "ingest")
        if h:
            CHECKS.eq((h["documents"], h["events"]), (2, n), "ingest", "health after POST:")
        for rec in (INGEST_EN, INGEST_RU):
            a = srv.get_json("/api/documents/" + enc(rec["id"]), "ingest")
            if a:
                CHECKS.eq(a["document"].get("id"), rec["id"], "ingest", "document id:")
                CHECKS.ok(a["events"], "ingest", f"{rec['id']} has no events")
                CHECKS.ok(all(e["doc"] == rec["id"] for e in a["events"]), "ingest", f"{rec['id']} foreign events")
            a = srv.get_json("/api/events" + q(doc=rec["id"], limit=500), "ingest")
            if a:
                CHECKS.ok(a["total"] >= 1, "ingest", f"events?doc={rec['id']} total {a['total']}")
        a = srv.get_json("/api/events" + q(doc=INGEST_EN["id"], modality="asserted", limit=500), "ingest")
        if a:
            dead = [e["dead"]["value"] for e in a["events"] if e.get("dead")]
            arrested = [e["arrested"]["value"] for e in a["events"] if e.get("arrested")]
            CHECKS.ok(3 in dead, "ingest", f"the English report's three dead not coded: dead {dead}")
            CHECKS.ok(25 in arrested, "ingest", f"the English report's 25 arrests not coded: arrested {arrested}")
        a = srv.get_json("/api/events" + q(doc=INGEST_RU["id"], limit=500), "ingest")
        if a:
            CHECKS.ok(any(e.get("lang") == "ru" for e in a["events"]), "ingest", "the Russian report's events")
        stories_before = (srv.get_json("/api/health", "ingest") or {}).get("stories")

        def reports_of(doc):
            a = srv.get_json("/api/stories?limit=500", "ingest") or {"stories": []}
            return sorted((s["id"], json.dumps(r, sort_keys=True)) for s in a["stories"] for r in s["reports"]
                          if r["doc"] == doc)

        reports_before = reports_of(INGEST_EN["id"])
        CHECKS.ok(reports_before, "ingest", f"{INGEST_EN['id']} is in no story")

        # the same document again: replaced, not duplicated
        status, _, resp = srv.request("POST", "/api/documents",
                                      (json.dumps(INGEST_EN) + "\n").encode(), {"Content-Type": "application/x-ndjson"})
        CHECKS.eq(status, 200, "ingest", f"POST the same record again ({short(resp)}):")
        h = srv.get_json("/api/health", "ingest")
        if h:
            CHECKS.eq((h["documents"], h["events"]), (2, n), "ingest-duplicate", "health after the same POST again:")
            CHECKS.eq(h["stories"], stories_before, "ingest-duplicate", "stories after the same POST again:")
        a = srv.get_json("/api/events?limit=500", "ingest")
        if a:
            ids = [e["id"] for e in a["events"]]
            CHECKS.eq(len(ids), len(set(ids)), "ingest-duplicate", "event ids after re-POST:")
        CHECKS.eq(reports_of(INGEST_EN["id"]), reports_before, "ingest-duplicate",
                  f"the stories' reports of {INGEST_EN['id']} after POSTing it again:")
        a = srv.get_json("/api/stories?limit=500", "ingest")
        events = (srv.get_json("/api/events?limit=500", "ingest") or {}).get("events", [])
        if a:
            for s in a["stories"]:
                CHECKS.eq(s["events"], sum(1 for e in events if e.get("story") == s["id"]),
                          "ingest-duplicate", f"story {s['id']} events:")
                CHECKS.eq(sum(r["events"] for r in s["reports"]), s["events"], "ingest-duplicate",
                          f"story {s['id']}: events of its reports vs its events:")

        # one JSON object (doc/api.md: "JSON Lines or one JSON object"), pretty-printed over several lines
        rec = dict(INGEST_EN, id="api-test-en-2", text="Riot police detained 40 strikers in Atyrau on Tuesday.")
        status, _, resp = srv.request("POST", "/api/documents", json.dumps(rec, indent=2).encode(),
                                      {"Content-Type": "application/json"})
        CHECKS.eq(status, 200, "ingest-one-object",
                  f"POST one pretty-printed JSON object (doc/api.md: 'JSON Lines, or one JSON object') "
                  f"answered {short(resp)}:")

        # bad bodies
        h0 = srv.get_json("/api/health", "ingest")
        for what, body in (("not JSON", b"this is not JSON\n"), ("empty", b""), ("a JSON array", b"[1, 2]\n"),
                           ("invalid UTF-8", b"\xff\xfe\x00garbage\n"), ("a record without id",
                                                                           b'{"text": "Police arrested 3 people."}\n')):
            status, _, resp = srv.request("POST", "/api/documents", body, {"Content-Type": "application/x-ndjson"})
            CHECKS.eq(status, 400, "ingest-bad", f"POST {what} ({short(resp)}):")
            CHECKS.ok(error_body(resp), "ingest-bad", f"POST {what}: body {short(resp)}")
        status, _, resp = srv.request("POST", "/api/documents",
                                      b'{"text": "no id here"}\n' + json.dumps(dict(INGEST_EN, id="api-test-en-3")).encode(),
                                      {"Content-Type": "application/x-ndjson"})
        try:
            r = json.loads(resp)
        except ValueError:
            r = {}
        CHECKS.ok(status == 400 or (status == 200 and r.get("documents") == 1 and len(r.get("errors") or []) == 1
                                    and "id" in r["errors"][0]), "ingest-bad",
                  f"POST a record without id beside a good one -> {status} {short(resp)}")
        h1 = srv.get_json("/api/health", "ingest")
        if h0 and h1:
            CHECKS.eq(h1["documents"], h0["documents"] + (1 if status == 200 else 0), "ingest-bad",
                      "documents after bad POSTs:")
        # a few hostile bodies: never a 5xx
        rnd = random.Random(SEED)
        for i in range(40):
            body = rnd.choice([
                bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 300))),
                b'{"id": ' + str(rnd.randrange(10 ** 6)).encode() + b', "text": "x"}\n',
                b'{"id": "' + b"\\u0000" * 10 + b'", "text": "Police arrested 5."}\n',
                b'{"id": "fz-' + str(i).encode() + b'", "text": ""}\n',
                b'{"id": "fz-' + str(i).encode() + b'", "html": "<p>Protesters marched in Osh.</p>"}\n',
                b'{"id": "fz-' + str(i).encode() + b'", "text": "\xff\xfe Police \xc3\x28 fired."}\n',
                b'{"id": "fz-' + str(i).encode() + b'", "text": "x", "published": "99999-99-99", "lang": "zz"}\n',
                b"[" * 5000 + b"\n",
                b'{"id": "' + b"A" * 5000 + b'", "text": "Police arrested 5."}\n',
                b"\n\n\n",
            ])
            status, _, resp = srv.request("POST", "/api/documents", body, {"Content-Type": "application/x-ndjson"})
            CHECKS.ok(status is not None and status < 500, "ingest-fuzz", f"POST {short(body)} -> {status} {short(resp)}")
            if status is not None and status >= 400:
                CHECKS.ok(error_body(resp), "ingest-fuzz", f"POST {short(body)} -> {status} body {short(resp)}")
        CHECKS.ok(srv.alive() and srv.get_json("/api/health", "ingest"), "ingest", "the --ingest server died")
    finally:
        srv.stop()


# ---------------------------------------------------------------------------------------------------- part 4

HOSTILE = ["' OR 1=1 --", "; DROP TABLE events", "1; DROP TABLE events --", "' UNION SELECT record FROM documents --",
           "\" OR \"\"=\"", "%", "_", "%%", "%_%", "\\", "\\%", "*", "?", "[a-z]", "NULL", "null", "undefined",
           "<script>alert(1)</script>", "../../etc/passwd", "A" * 10000, "A" * 1001, "A" * 501, "é" * 300, " ",
           "\t", "\n", "\r\n", "\u202e", "😀", "КЫРГЫЗСТАН", "true", "[]", "{}", "0", "-1", "1e9", "NaN",
           "Infinity", "2010-02-30", "99999-01-01", "", ",", ",,,", "\x7f", "${jndi:ldap://x}", "%s%s%n"]
# Sent as they are (already percent-encoded): invalid UTF-8, NUL, surrogates, broken escapes.
RAW = ["%ff%fe", "%00", "a%00b", "%c3%28", "%80", "%ed%a0%80", "%f4%90%80%80", "%c0%af", "%", "%zz", "%2", "+",
       "a+b", "%2C%2C", "%E2%80%AE", "%25", "%2500", "%00%00%00", "%ff" * 600, "%0d%0aSet-Cookie:%20x=1"]
NUMBERS = ["0", "1", "7", "50", "500", "501", "-1", "-0", "007", "1.5", "1e3", "0x10", "+5", " 5", "5 ", "",
           "9" * 30, "-9223372036854775808", "9223372036854775807", "1000000000", "1000000001", "NaN", "١٢"]
DATES = ["2010-04-07", "2023-10-01", "2024-03-13", "2025-12-31", "1970-01-01", "0000-01-01", "9999-12-31",
         "2010-02-30", "2010-02-29", "2010-13-01", "2010-00-01", "2010-01-00", "2010-01-32", "99999-01-01",
         "2010-4-7", "2010/04/07", "20100407", "2010-04-07T00:00:00", "", "2010-04-0a", "-010-04-07", "２０１０-04-07"]


def value_pools(model):
    countries = sorted({(e.get("place") or {}).get("country") for e in model.events} - {None})
    words = sorted({w for e in model.events for w in re.findall(r"[A-Za-z]{4,}", e["sentence"]["text"])})
    names = sorted({x["name"] for e in model.events for x in actors_of(e) if x.get("name")})
    codes = sorted({f"{x.get('country') or ''}/{x.get('sector') or ''}" for e in model.events for x in actors_of(e)})
    return {
        "from": DATES, "to": DATES,
        "country": countries + [c.lower() for c in countries] + [",".join(countries[:2]), " KGZ , tjk ", "CSTO",
                                                                "K", "KGZKGZK", "K-G", "XX", "12", "KGZ,", "К"],
        "admin1": sorted({(e.get("place") or {}).get("admin1") for e in model.events} - {None}) + ["Nowhere"],
        "category": CATEGORIES + [c.lower() for c in CATEGORIES] + ["Protest", "PROTEST,ASSAULT", "assault, coerce",
                                                                    "PROTESTS", "RIOT", "protest,", "PROTEST,RIOT"],
        "mode": sorted({e.get("mode") for e in model.events} - {None}) + ["firearms", "nope"],
        "modality": MODALITIES + ["asserted,negated", "requested, promised", "ASSERTED", "real", "asserted,"],
        "actor": names[:20] + [n.upper() for n in names[:5]] + codes[:20] + ["KGZ", "KGZ/COP", "/PRO", "/PRO/", "KGZ/",
                                                                           "/", "kgz/cop", "police", "ПОЛИЦИЯ"],
        "text": words[:: max(1, len(words) // 30)] + ["police", "POLICE", "a", "."],
        "story": sorted(model.stories)[:10] + ["s999999"],
        "doc": sorted(model.docs) + ["nope"],
        "limit": NUMBERS, "offset": NUMBERS,
        "by": DIMENSIONS + ["DAY", "year", "day;", "hour"],
        "split": DIMENSIONS + ["", "DAY", "year"],
    }


ENDPOINTS = {
    "/api/health": [],
    "/api/events": FILTERS + ["limit", "offset"],
    "/api/aggregate": FILTERS + ["by", "split"],
    "/api/documents": FILTERS + ["limit", "offset"],
    "/api/stories": ["from", "to", "country", "limit", "offset"],
}
UNKNOWN_PARAMS = ["foo", "LIMIT", "Country", "page", "sort", "callback", "%00", "%ff", "a" * 100, "limit[]",
                  "from%20", "story_id", "q"]
STATIC = ["/", "/index.html", "/app.js", "/style.css", "/vendor/d3-geo.min.js", "/vendor/", "/vendor",
          "/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/vendor/..%2f..%2fCMakeCache.txt",
          "/vendor/../../CMakeCache.txt", "/../CMakeCache.txt", "/..%2fCMakeCache.txt", "/%2e%2e%2fCMakeCache.txt",
          "/vendor/%2e%2e/%2e%2e/CMakeCache.txt", "/....//....//etc/passwd", "/vendor/..%5c..%5cCMakeCache.txt",
          "/%5c..%5c..%5cetc%5cpasswd", "/%00", "/index.html%00.js", "/" + "a" * 10000, "/%ff", "//etc/passwd",
          "/./index.html", "/web/index.html", "/CMakeCache.txt", "/tocsin", "/tocsin.model", "/api/../CMakeCache.txt",
          "/api/..%2f..%2fCMakeCache.txt", "/vendor/../index.html", "/%2e%2e/tocsin.model",
          "/..%252f..%252fetc%252fpasswd", "/vendor/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
          "/" + "../" * 30 + "etc/passwd", "/vendor/" + "..%2f" * 30 + "etc%2fpasswd", "/.git/config",
          "/vendor.txt", "/make_countries.py"]
WEIRD_IDS = ["%23", "#", "..%2f..%2fetc%2fpasswd", "../../etc/passwd", "%00", "%ff%fe", "a" * 10000, "x" * 600,
             "%2e%2e", ".", "..", "' OR 1=1 --", "%27%20OR%201%3D1%20--", "%", "%zz", "s1%00", "s1'", "1", "-1",
             "null", "%2F", "a/b", "a%2Fb", "😀", "%F0%9F%98%80"]


def decode_query_value(raw):
    """What the server decodes from a percent-encoded query value, or None when ambiguous (`+`, bad escapes, and a
    raw `=`, which httplib reads as `key=...=value`, keeping the last piece)."""
    if "+" in raw or "=" in raw or re.search(r"%(?![0-9A-Fa-f]{2})", raw):
        return None
    return urllib.parse.unquote_to_bytes(raw)


def split_values(values):
    out = []
    for v in values:
        for part in v.split(b","):
            part = part.strip(b" ")
            if part:
                out.append(part)
    return out


def is_date(b):
    m = re.fullmatch(rb"(\d{4})-(\d\d)-(\d\d)", b)
    return m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31


def predict(endpoint, params):
    """(expected statuses, model filter or None, page, by, split) for a GET on a list endpoint with these
    (name, decoded bytes or None) pairs, as doc/api.md and the server's validation say."""
    allowed = ENDPOINTS[endpoint]
    names = [k for k, _ in params]
    values = collections.defaultdict(list)
    for k, v in params:
        values[k].append(v)
    if any(k not in allowed for k in names):
        return {400}, None, None, None, None
    if any(v is None for _, v in params):
        return {200, 400}, None, None, None, None
    if any(len(v) > 1000 for _, v in params):
        return {400}, None, None, None, None
    bad, ambiguous, checkable = False, False, True
    page = {"limit": 50, "offset": 0}
    for name, lo, hi in (("limit", 1, 500), ("offset", 0, 1_000_000_000)):
        if name in values:
            v = values[name][0]
            if re.fullmatch(rb"-?\d+", v) and lo <= int(v) <= hi:
                page[name] = int(v)
            else:
                bad = True
    f = {}
    for name in ("from", "to"):
        if name in values and values[name][0]:
            v = values[name][0]
            if not is_date(v):
                bad = True
            else:
                try:
                    datetime.date.fromisoformat(v.decode())
                    f[name] = v.decode()
                except ValueError:  # 2010-02-30, or year 0000: syntactically a date; either answer is defensible
                    ambiguous = True
                    checkable = False
    if "country" in values:
        cs = [c.upper() for c in split_values(values["country"])]  # ASCII upper, as C's toupper
        if any(not re.fullmatch(rb"[A-Z0-9]{2,6}", c) for c in cs):
            bad = True
        f["country"] = [c.decode() for c in cs if re.fullmatch(rb"[A-Z0-9]{2,6}", c)]
    if "category" in values:
        cs = split_values(values["category"])
        if any(c.upper().decode("latin-1") not in CATEGORIES for c in cs):
            bad = True
        f["category"] = [c.upper().decode("latin-1") for c in cs]
    if "modality" in values:
        ms = split_values(values["modality"])
        if any(m.decode("latin-1") not in MODALITIES for m in ms):
            bad = True
        f["modality"] = [m.decode("latin-1") for m in ms]
    for name in ("admin1", "mode", "actor", "text", "story", "doc"):
        if name in values and values[name][0]:
            v = values[name][0]
            if len(v) > 500:
                bad = True
                continue
            if b"\x00" in v:
                bad = True  # a NUL byte is refused in any filter value
                continue
            try:
                s = v.decode("utf-8")
            except UnicodeDecodeError:
                checkable = False  # bytes that are no text: 200, figures not predicted
                continue
            if name in ("actor", "text"):
                if not s.isascii() and s.upper() != s.lower():
                    checkable = False  # case folding outside ASCII: checked in part 2
            f[name] = s
    if endpoint == "/api/aggregate":
        by = values["by"][0].decode("latin-1") if "by" in values else "day"
        split = values["split"][0].decode("latin-1") if "split" in values else ""
        if by not in DIMENSIONS or (split and split not in DIMENSIONS):
            bad = True
    else:
        by = split = None
    if bad:
        return {400}, None, None, None, None
    statuses = {200, 400} if ambiguous else {200}
    return statuses, f if checkable else None, page, by, split


class Fuzzer:
    def __init__(self, srv, model, web_dir, seed):
        self.srv, self.model, self.rnd = srv, model, random.Random(seed)
        self.pools = value_pools(model)
        self.requests = 0
        self.statuses = collections.Counter()
        self.predicted = 0
        self.web_files = set()
        if web_dir:
            for root, _, files in os.walk(os.path.realpath(web_dir), followlinks=True):
                for name in files:
                    with open(os.path.join(root, name), "rb") as fh:
                        self.web_files.add(hashlib.sha256(fh.read()).hexdigest())

    def value(self, name):
        r = self.rnd.random()
        if r < 0.55 and name in self.pools:
            s = self.rnd.choice(self.pools[name])
            return enc(s)
        if r < 0.8:
            return enc(self.rnd.choice(HOSTILE))
        return self.rnd.choice(RAW)

    def send(self, path, method="GET"):
        self.requests += 1
        status, headers, body = self.srv.request(method, path)
        self.statuses[status] += 1
        where = f"{method} {short(path, 200)} -> {status} {short(body, 200)}"
        if status == 503:
            CHECKS.note(f"503 (allowed, unexpected on this small store): {where}")
        CHECKS.ok(status is not None and (status < 500 or status == 503), "fuzz-5xx", where)
        CHECKS.ok(b"root:x:0:0" not in body and b"CMAKE_" not in body and not body.startswith(b"\x7fELF"),
                  "fuzz-leak", where)
        data = None
        if path.startswith("/api/"):
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                data = None
            if status == 414:
                # httplib refuses a request line over 8 kB itself, before any handler: a failure of its own kind
                CHECKS.ok(error_body(body) and "application/json" in headers.get("content-type", ""),
                          "fuzz-414-not-json", f"/api/ answer not JSON with an \"error\": {where}")
            else:
                CHECKS.ok(data is not None, "fuzz-json", f"/api/ answer not JSON: {where}")
                CHECKS.ok("application/json" in headers.get("content-type", ""), "fuzz-json", f"content-type: {where}")
                if status is not None and 400 <= status < 500:
                    CHECKS.ok(error_body(body), "fuzz-error-body", f"4xx without an \"error\" string: {where}")
        return status, data, body, where

    def list_request(self):
        endpoint = self.rnd.choice(list(ENDPOINTS))
        allowed = ENDPOINTS[endpoint]
        pairs = []
        k = self.rnd.choice([0, 1, 1, 2, 2, 3, 4, 6]) if allowed else self.rnd.choice([0, 0, 1])
        for _ in range(k):
            if allowed and self.rnd.random() < 0.92:
                name = self.rnd.choice(allowed)
            else:
                name = self.rnd.choice(UNKNOWN_PARAMS + FILTERS)
            pairs.append((name, self.value(name)))
            if self.rnd.random() < 0.08:  # repeated
                pairs.append((name, self.value(name)))
        self.rnd.shuffle(pairs)
        path = endpoint + ("?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs or self.rnd.random() < 0.1 else "")
        status, data, body, where = self.send(path)
        decoded = [(urllib.parse.unquote(k), decode_query_value(v)) for k, v in pairs]
        if any(re.search(r"%(?![0-9A-Fa-f]{2})", k) for k, _ in pairs):
            return
        statuses, f, page, by, split = predict(endpoint, decoded)
        if len(path) > 8000:  # beyond httplib's URI limit (414): the body checks above still apply
            statuses = statuses | {414}
        self.predicted += 1
        CHECKS.ok(status in statuses, "fuzz-status", f"expected {sorted(statuses)}: {where}")
        if status == 400 and data is not None:
            CHECKS.ok(isinstance(data.get("parameter"), str), "fuzz-parameter",
                      f"400 without a \"parameter\" (doc/api.md: {{\"error\", \"parameter\"}}): {where}")
        if status != 200 or f is None or data is None or endpoint == "/api/health":
            return
        if endpoint == "/api/events":
            want = self.model.select(f)
            ok = CHECKS.eq(data.get("total"), len(want), "fuzz-figures", f"events total for {where}:")
            if ok:
                n = min(page["limit"], max(0, len(want) - page["offset"]))
                CHECKS.eq(len(data["events"]), n, "fuzz-figures", f"page size for {where}:")
                CHECKS.ok({e["id"] for e in data["events"]} <= {e["id"] for e in want}, "fuzz-figures",
                          f"events outside the filter: {where}")
                nxt = page["offset"] + n if page["offset"] + n < len(want) else None
                CHECKS.eq((data["limit"], data["offset"], data["next"]), (page["limit"], page["offset"], nxt),
                          "fuzz-figures", f"page header for {where}:")
        elif endpoint == "/api/documents":
            want = self.model.documents(f)
            CHECKS.eq(data.get("total"), len(want), "fuzz-figures", f"documents total for {where}:")
            CHECKS.ok({d["id"] for d in data.get("documents", [])} <= want, "fuzz-figures",
                      f"documents outside the filter: {where}")
        elif endpoint == "/api/stories":
            CHECKS.eq(data.get("total"), len(self.model.stories_matching(f)), "fuzz-figures",
                      f"stories total for {where}:")
        elif endpoint == "/api/aggregate":
            CHECKS.eq(rows_of(data), self.model.aggregate(f, by, split), "fuzz-figures", f"aggregate rows for {where}:")

    def id_request(self):
        kind = self.rnd.choice(["events", "documents", "stories"])
        real = {"events": list(self.model.by_id), "documents": list(self.model.docs), "stories": list(self.model.stories)}
        r = self.rnd.random()
        if r < 0.3:
            ident = self.rnd.choice(real[kind])
            raw, known = enc(ident), True
        elif r < 0.45:
            raw, known = enc(self.rnd.choice(real[kind])) + self.rnd.choice(["x", "%00", "%20", "/", "%2F..", "?foo=1",
                                                                             "?limit=5", "%23"]), False
        else:
            raw, known = self.rnd.choice(WEIRD_IDS + [enc(h) for h in HOSTILE[:20]] + RAW[:8]), False
        raw = urllib.parse.quote(raw, safe="%/#?=&'.,;:@!$*()+~-_")  # spaces and non-ASCII: encoded
        path = f"/api/{kind}/{raw}"
        status, data, body, where = self.send(path)
        if known:
            CHECKS.eq(status, 200, "fuzz-status", f"a real id: {where}")
        elif "?" not in raw and len(path) < 8000:
            decoded = urllib.parse.unquote(raw)
            if decoded not in real[kind]:
                CHECKS.ok(status in (400, 404), "fuzz-status", f"expected 404 (or 400): {where}")
        elif "?" in raw:
            CHECKS.ok(status in (400, 404), "fuzz-status", f"expected 400 for a parameter on an id: {where}")

    def static_request(self):
        path = self.rnd.choice(STATIC)
        status, data, body, where = self.send(path)
        if status == 200 and self.web_files and not path.startswith("/api/"):
            CHECKS.ok(hashlib.sha256(body).hexdigest() in self.web_files, "fuzz-static",
                      f"a static answer that is no file of web/: {where}")

    def raw_socket(self):
        """A few malformed HTTP requests on the socket: the server must survive them."""
        for req in (b"GET /api/events?limit=1 HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                    b"GET /api/health HTTP/9.9\r\n\r\n", b"GARBAGE\r\n\r\n", b"\x00\xff\xfe\r\n\r\n",
                    b"GET /api/health HTTP/1.1\r\n" + b"X-A: " + b"a" * 20000 + b"\r\n\r\n",
                    b"GET /api/events?" + b"&".join(b"country=KGZ" for _ in range(3000)) + b" HTTP/1.1\r\n\r\n",
                    b"POST /api/documents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                    b"GET /api/health HTTP/1.1\r\nHost: x\r\n"):  # no blank line: the server's read timeout
            self.requests += 1
            try:
                with socket.create_connection(("127.0.0.1", self.srv.port), timeout=REQUEST_TIMEOUT) as s:
                    s.sendall(req)
                    s.shutdown(socket.SHUT_WR)
                    data = b""
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
                CHECKS.ok(not m or int(m.group(1)) < 500, "fuzz-5xx", f"raw {short(req, 80)} -> {short(data, 200)}")
            except OSError as e:
                CHECKS.ok(isinstance(e, (ConnectionResetError, socket.timeout)), "fuzz-raw",
                          f"raw {short(req, 80)}: {e}")

    def run(self, n):
        for _ in range(n):
            r = self.rnd.random()
            if r < 0.72:
                self.list_request()
            elif r < 0.9:
                self.id_request()
            else:
                self.static_request()
        for path in STATIC:  # every traversal attempt at least once
            status, data, body, where = self.send(path)
            if status == 200 and self.web_files and not path.startswith("/api/"):
                CHECKS.ok(hashlib.sha256(body).hexdigest() in self.web_files, "fuzz-static",
                          f"a static answer that is no file of web/: {where}")
        self.raw_socket()


# ---------------------------------------------------------------------------------------------------- main

def find_web_dir():
    exe_dir = os.path.dirname(os.path.realpath(TOCSIN))
    for d in (os.path.join(exe_dir, "web"), os.path.join(exe_dir, "..", "share", "tocsin", "web")):
        if os.path.isfile(os.path.join(d, "index.html")):
            return d
    return None


def on_alarm(signum, frame):
    raise Timeout(f"the test ran longer than {GLOBAL_TIMEOUT} s")


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(GLOBAL_TIMEOUT)
    print(f"fuzz seed {SEED} (override with TOCSIN_FUZZ_SEED)")
    tmp = tempfile.mkdtemp(prefix="tocsin-api-test-")
    servers = []
    fuzzer = None
    try:
        db = os.path.join(tmp, "events.db")
        run = subprocess.run([TOCSIN, "code", os.path.join(SOURCE, "examples", "input.jsonl"), "--db", db],
                             capture_output=True, text=True, timeout=300)
        if run.returncode > 1 or not os.path.isfile(db):
            raise RuntimeError(f"tocsin code --db failed ({run.returncode}): {run.stderr[-2000:]}")
        model = Model(db)
        web_dir = find_web_dir()
        srv = Server(db, tmp, "serve")
        servers.append(srv)
        check_read_only_server(srv, model, web_dir)
        check_ingest(tmp)
        fuzzer = Fuzzer(srv, model, web_dir, SEED)
        fuzzer.run(FUZZ_REQUESTS)
        CHECKS.ok(srv.alive(), "alive", f"the server died during fuzzing: {srv.stderr_text()}")
        h = srv.get_json("/api/health", "alive")
        CHECKS.ok(h and h["events"] == len(model.events), "alive", f"health after fuzzing: {h}")
    except Timeout as e:
        CHECKS.ok(False, "timeout", str(e))
    except Exception as e:  # noqa: BLE001 - report and fail, never hang
        import traceback
        CHECKS.ok(False, "error", traceback.format_exc())
    finally:
        signal.alarm(0)
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    fuzzed = fuzzer.requests if fuzzer else 0
    for n in CHECKS.notes[:10]:
        print("note:", short(n, 400))
    if fuzzer:
        print(f"fuzz statuses: {dict(sorted(fuzzer.statuses.items(), key=lambda kv: str(kv[0])))}; "
              f"{fuzzer.predicted} list requests with a predicted status")
    failed = sum(len(v) for v in CHECKS.failures.values())
    if CHECKS.failures:
        print(f"\n{failed} FAILED check(s) of {CHECKS.count}:")
        for kind, msgs in CHECKS.failures.items():
            print(f"\n[{kind}] {len(msgs)} failure(s)")
            for m in msgs[:8]:
                print("  -", short(m, 700))
            if len(msgs) > 8:
                print(f"  ... and {len(msgs) - 8} more")
    print(f"\n{CHECKS.count} checks, {failed} failed; {fuzzed} requests fuzzed; seed {SEED}")
    return 1 if CHECKS.failures else 0


if __name__ == "__main__":
    sys.exit(main())
