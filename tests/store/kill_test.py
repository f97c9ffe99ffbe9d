#!/usr/bin/env python3
"""kill -9 during an ingest of 10,000 documents (the issue's bar).

The store must open afterwards, every committed document must be complete (its events, their actors and its
places all there, as its record says), and running again must finish the rest with no duplicate: re-coding
everything replaces what was stored, and --resume codes only what is missing. Both end with the same events
as one uninterrupted run.

Usage: kill_test.py TOCSIN_BINARY
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

DOCUMENTS = 10_000

PLACES = [("Bishkek", "Kyrgyzstan"), ("Osh", "Kyrgyzstan"), ("Almaty", "Kazakhstan"), ("Aktau", "Kazakhstan"),
          ("Dushanbe", "Tajikistan"), ("Tashkent", "Uzbekistan"), ("Tbilisi", "Georgia"), ("Yerevan", "Armenia")]
OPENINGS = [
    "Police arrested {n} protesters in {city} on Monday after a rally against the {country} government.",
    "Thousands of people marched through {city} on Tuesday, demanding the resignation of the governor.",
    "Security forces opened fire on demonstrators in {city}, killing {k} people, witnesses said.",
    "Workers at the {city} oil field went on strike on Wednesday over unpaid wages.",
    "The opposition called for a general strike across {country} next week.",
]
FOLLOW_UPS = [
    "The interior ministry said {n} officers were injured in the clashes.",
    "Protest leaders urged their supporters to stay calm.",
    "The president promised to meet the strikers on Friday.",
    "Riot police used tear gas to disperse the crowd near the parliament.",
    "The government denied that troops had fired on the crowd.",
]


def corpus(path):
    rnd = random.Random(7)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(DOCUMENTS):
            city, country = rnd.choice(PLACES)
            text = " ".join(s.format(n=rnd.randint(2, 400), k=rnd.randint(1, 40), city=city, country=country)
                            for s in [rnd.choice(OPENINGS)] + rnd.sample(FOLLOW_UPS, 2))
            day = 1 + i % 28
            out.write(json.dumps({"id": f"doc{i:05d}", "text": text, "published": f"2022-01-{day:02d}",
                                  "lang": "en"}) + "\n")


def code(tocsin, corpus_path, db, *extra):
    return subprocess.run([tocsin, "code", corpus_path, "--db", db, "--summary", "--progress", "never", *extra],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)


def killed_run(tocsin, corpus_path, db):
    """Starts coding into `db` and kills it (SIGKILL) once some documents, but not all, are committed."""
    proc = subprocess.Popen([tocsin, "code", corpus_path, "--db", db, "--progress", "never"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
                stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            stored = 0  # not created yet
        if stored >= 500:
            break
        time.sleep(0.005)
    if proc.poll() is not None:
        raise SystemExit(f"FAIL: the run ended before it could be killed ({stored} documents): make the corpus larger")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return stored


def check_complete(db):
    """Every stored document is whole; returns the number of documents."""
    failures = []
    with sqlite3.connect(db) as con:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            failures.append("integrity_check is not ok")
        docs = con.execute("SELECT id, event_count, record FROM documents").fetchall()
        events = dict(con.execute("SELECT doc, count(*) FROM events GROUP BY doc").fetchall())
        places = dict(con.execute("SELECT doc, count(*) FROM places GROUP BY doc").fetchall())
        actors = dict(con.execute("SELECT event_n, count(*) FROM actors GROUP BY event_n").fetchall())
        for doc, count, record in docs:
            if events.get(doc, 0) != count:
                failures.append(f"{doc}: record says {count} events, the store holds {events.get(doc, 0)}")
            if places.get(doc, 0) != len(json.loads(record)["places"]):
                failures.append(f"{doc}: places incomplete")
        for n, rec in con.execute("SELECT n, record FROM events"):
            e = json.loads(rec)
            want = len(e["source"]) + len(e["target"]) + (1 if e.get("reported_by") else 0)
            if actors.get(n, 0) != want:
                failures.append(f"{e['id']}: {actors.get(n, 0)} actors stored, {want} in its record")
        orphans = con.execute("SELECT count(*) FROM events WHERE doc NOT IN (SELECT id FROM documents)").fetchone()[0]
        if orphans:
            failures.append(f"{orphans} events without their document")
    return len(docs), failures


def events(db):
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT id, type, modality, sentence_folded FROM events").fetchall()
    return rows


def main():
    tocsin = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "corpus.jsonl")
        corpus(src)
        ref = os.path.join(tmp, "ref.db")
        r = code(tocsin, src, ref)
        if r.returncode != 0:
            raise SystemExit(f"FAIL: the uninterrupted run failed ({r.returncode}): {r.stderr[-2000:]}")
        reference = events(ref)
        ref_sorted = sorted(reference)

        for how in ("again", "--resume"):
            db = os.path.join(tmp, f"killed-{how.strip('-')}.db")
            seen = killed_run(tocsin, src, db)
            stored, bad = check_complete(db)
            failures += [f"after kill -9 ({how}): {b}" for b in bad]
            if not 0 < stored < DOCUMENTS:
                failures.append(f"after kill -9 ({how}): {stored} documents stored, expected some but not all")
            extra = ["--resume"] if how == "--resume" else []
            r = code(tocsin, src, db, *extra)
            if r.returncode != 0:
                failures.append(f"re-run ({how}) failed ({r.returncode}): {r.stderr[-1000:]}")
            if how == "--resume" and "already there skipped" not in r.stderr:
                failures.append("--resume did not report the documents it skipped")
            total, bad = check_complete(db)
            failures += [f"after the re-run ({how}): {b}" for b in bad]
            if total != DOCUMENTS:
                failures.append(f"after the re-run ({how}): {total} documents, expected {DOCUMENTS}")
            got = events(db)
            ids = [g[0] for g in got]
            if len(ids) != len(set(ids)):
                failures.append(f"after the re-run ({how}): duplicate event ids")
            if sorted(got) != ref_sorted:
                failures.append(f"after the re-run ({how}): {len(got)} events differ from the uninterrupted "
                                f"run's {len(reference)}")
            print(f"kill -9 after {seen}+ committed documents ({stored} found whole); re-run {how}: "
                  f"{total} documents, {len(got)} events, same as one run: {sorted(got) == ref_sorted}")
    if failures:
        for f in failures[:50]:
            print("FAIL:", f)
        return 1
    print(f"kill test: {DOCUMENTS} documents, {len(reference)} events; both re-runs complete, no duplicates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
