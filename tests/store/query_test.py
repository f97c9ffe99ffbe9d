#!/usr/bin/env python3
"""`tocsin code --db` and `tocsin query` as a user runs them, on SQLite and (when scripts/with-postgres
gives TOCSIN_TEST_PG_URL) on PostgreSQL: the store holds what `code` writes as JSONL; filters select the
same events as filtering the JSONL; ACLED- and GDELT-like CSVs parse with their columns and keep hostile
text inert; counts add up; re-coding adds no duplicate; bad options exit 2.

Usage: query_test.py TOCSIN_BINARY SOURCE_DIR
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)


def run(tocsin, *args, stdin=None):
    return subprocess.run([tocsin, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=300)


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


HOSTILE = {"id": "hostile", "published": "2024-05-10", "lang": "en",
           "text": "=HYPERLINK(\"http://x\") Police arrested 40 protesters in Almaty on Monday, \"witnesses\" said."}


def exercise(tocsin, src, db, label):
    with tempfile.TemporaryDirectory() as tmp:
        inputs = os.path.join(tmp, "in.jsonl")
        with open(inputs, "w", encoding="utf-8") as f:
            f.write(open(os.path.join(src, "examples", "input.jsonl"), encoding="utf-8").read())
            f.write(json.dumps(HOSTILE) + "\n")
        expected_jsonl = os.path.join(tmp, "events.jsonl")
        r = run(tocsin, "code", inputs, "--db", db, "-o", expected_jsonl)
        check(r.returncode == 0, f"{label}: code --db exit {r.returncode}: {r.stderr[-500:]}")
        expected = jsonl(open(expected_jsonl, encoding="utf-8").read())
        # Twice: re-coding replaces, never duplicates.
        r = run(tocsin, "code", inputs, "--db", db)
        check(r.returncode == 0 and r.stdout == "", f"{label}: second code --db (events go to the store only)")

        r = run(tocsin, "query", "--db", db)
        stored = jsonl(r.stdout)
        check(r.returncode == 0, f"{label}: query exit {r.returncode}: {r.stderr[-300:]}")
        check(len(stored) == len(expected), f"{label}: {len(stored)} stored events, {len(expected)} coded")
        check(sorted(e["id"] for e in stored) == sorted(e["id"] for e in expected),
              f"{label}: stored event ids differ from the coded ones")
        by_id = {e["id"]: e for e in expected}
        check(all(by_id[e["id"]]["type"] == e["type"] and by_id[e["id"]]["sentence"] == e["sentence"]
                  for e in stored if e["id"] in by_id), f"{label}: stored records differ from the coded ones")
        # Regression: re-coding renumbered stories on PostgreSQL (its DISTINCT comes in another order).
        check(all(by_id[e["id"]].get("story") == e.get("story") for e in stored if e["id"] in by_id),
              f"{label}: re-coding the same documents changed story ids")

        def ids(*args):
            r = run(tocsin, "query", "--db", db, *args)
            check(r.returncode == 0, f"{label}: query {args} exit {r.returncode}: {r.stderr[-300:]}")
            return sorted(e["id"] for e in jsonl(r.stdout))

        def want(pred):
            return sorted(e["id"] for e in expected if pred(e))

        place_country = lambda e: (e.get("place") or {}).get("country")
        check(ids("--country", "KGZ") == want(lambda e: place_country(e) == "KGZ"), f"{label}: --country")
        check(ids("--category", "protest,ASSAULT") == want(lambda e: e["type"] in ("PROTEST", "ASSAULT")),
              f"{label}: --category")
        check(ids("--modality", "requested") == want(lambda e: e["modality"] == "requested"), f"{label}: --modality")
        check(ids("--actor", "/PRO") == want(lambda e: any(a.get("sector") == "PRO"
                                                           for a in e["source"] + e["target"] +
                                                           ([e["reported_by"]] if e.get("reported_by") else []))),
              f"{label}: --actor /PRO")
        check(ids("--text", "ПОЛИЦ") == want(lambda e: "полиц" in e["sentence"]["text"].lower()),
              f"{label}: --text in Cyrillic, any case")
        day = lambda e: (e.get("date") or {}).get("value", "")
        # An event counts from its date's first day: "2024" and "2024-03" are in 2024.
        check(ids("--from", "2024-01-01", "--to", "2024-12-31") == want(lambda e: day(e).startswith("2024")),
              f"{label}: --from/--to")
        check(len(ids("--limit", "3")) == 3, f"{label}: --limit")

        r = run(tocsin, "query", "--db", db, "--format", "acled")
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        for col in ("event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
                    "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
                    "fatalities"):
            check(rows and col in rows[0], f"{label}: ACLED column {col} missing")
        check(all(row["event_date"][:4].isdigit() and len(row["event_date"]) == 10 for row in rows),
              f"{label}: ACLED dates are days")
        asserted_typed = [e for e in expected if e["modality"] == "asserted" and (e.get("acled") or {}).get("event_type")]
        check(0 < len(rows) <= len(asserted_typed), f"{label}: {len(rows)} ACLED rows for {len(asserted_typed)} candidates")
        hostile = [row for row in rows if row["tocsin_event"].startswith("hostile#")]
        check(all(not row["notes"].startswith("=") for row in hostile),
              f"{label}: a note starting with = would run as a spreadsheet formula")
        r = run(tocsin, "query", "--db", db, "--format", "gdelt")
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        check(len(rows) == len(expected) and rows and rows[0]["SQLDATE"].isdigit() and "EventRootCode" in rows[0],
              f"{label}: GDELT-like rows")

        r = run(tocsin, "query", "--db", db, "--count-by", "category", "--format", "csv")
        counts = {row["category"]: int(row["events"]) for row in csv.DictReader(io.StringIO(r.stdout))}
        check(sum(counts.values()) == len(expected), f"{label}: counts by category add up to {sum(counts.values())}")
        check(counts.get("PROTEST", 0) == sum(e["type"] == "PROTEST" for e in expected), f"{label}: PROTEST count")
        r = run(tocsin, "query", "--db", db, "--count-by", "week", "--split", "category")
        check(r.returncode == 0 and sum(j["events"] for j in jsonl(r.stdout)) == len(expected),
              f"{label}: weekly counts by category add up")

        r = run(tocsin, "stories", "--db", db)
        story_ids = {e["story"] for e in expected if e.get("story")}
        check(r.returncode == 0 and all(f"{sid} " in r.stdout for sid in story_ids),
              f"{label}: `tocsin stories --db` lists the stores' stories ({len(story_ids)})")
        for bad in (["--category", "RIOT"], ["--from", "2024-02-30"], ["--count-by", "hour"], ["--modality", "maybe"]):
            r = run(tocsin, "query", "--db", db, *bad)
            check(r.returncode == 2 and r.stderr.strip(), f"{label}: query {bad} should exit 2 with a message")
    return len(expected)


def main():
    tocsin, src = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        n = exercise(tocsin, src, os.path.join(tmp, "events.db"), "sqlite")
        r = run(tocsin, "query", "--db", os.path.join(tmp, "missing.db"))
        check(r.returncode == 2 and "no store" in r.stderr, "a missing store is named, exit 2")
    backends = "sqlite"
    url = os.environ.get("TOCSIN_TEST_PG_URL")
    if url:
        exercise(tocsin, src, url, "postgresql")
        backends += " and postgresql"
    else:
        print("note: TOCSIN_TEST_PG_URL is not set: the CLI is not run on PostgreSQL (scripts/with-postgres sets it)")
    if FAILURES:
        for f in FAILURES:
            print("FAIL:", f)
        return 1
    print(f"code --db and query on {backends}: {n} events, filters, ACLED/GDELT CSV, counts: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
