#!/usr/bin/env python3
"""Place recognition and resolution on TR-News (118 articles, 1,319 gold toponyms) must meet the bars below.

usage: trnews_test.py PATH/TO/tocsin [SOURCE_DIR]
Runs benchmarks/geo_eval.py --corpus tr with the model beside the binary. Exits 77 (CTest: skipped) when
SOURCE_DIR/../shared/data/geo/TR-News.xml is not there (SOURCE_DIR defaults to the tree holding this file).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

# The bars. recall: gold toponyms overlapped by a place span; resolved: found toponyms resolved right
# (same GeoNames id, or within 161 km of the gold coordinates).
MIN_RECALL = 0.85
MIN_RESOLVED = 0.90

SKIP = 77
TOCSIN = None
SOURCE_DIR = None
SHARED = None
RESULT = None  # geo_eval.py's figures for TR-News, computed once
OUTPUT = ""


def env_without_model_override():
    env = dict(os.environ)
    env.pop("TOCSIN_MODEL", None)  # the model beside the binary, not whatever the caller has set
    return env


def evaluate():
    global RESULT, OUTPUT
    script = os.path.join(SOURCE_DIR, "benchmarks", "geo_eval.py")
    with tempfile.TemporaryDirectory(prefix="tocsin_geo_test_") as tmp:
        out_json = os.path.join(tmp, "geo.json")
        cmd = [sys.executable, script, "--tocsin", TOCSIN, "--shared", SHARED, "--corpus", "tr",
               "--json", out_json]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=900, env=env_without_model_override())
        except subprocess.TimeoutExpired:
            raise AssertionError(f"`{' '.join(cmd)}` did not finish within 900 s") from None
        OUTPUT = proc.stdout.decode("utf-8", "replace")
        if proc.returncode != 0 or not os.path.isfile(out_json):
            raise AssertionError(f"geo_eval.py failed (exit status {proc.returncode})\ncommand: {' '.join(cmd)}\n"
                                 f"stdout:\n{OUTPUT[-3000:]}\n"
                                 f"stderr:\n{proc.stderr.decode('utf-8', 'replace')[-3000:]}")
        with open(out_json, encoding="utf-8") as f:
            RESULT = json.load(f)["TR-News"]


def listing(items, fmt):
    return "\n".join("  " + fmt(x) for x in items[:20])


class TRNews(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if RESULT is None:
            evaluate()
        cls.r = RESULT

    def test_coded_every_article(self):
        self.assertEqual(self.r["docs_missing"], 0, "tocsin wrote no document record for some articles")
        self.assertGreater(self.r["gold"], 1000, "fewer gold toponyms than TR-News has: the gold did not load")

    def test_recall(self):
        r = self.r
        self.assertGreaterEqual(
            r["recall"] or 0.0, MIN_RECALL,
            f"TR-News toponym recall {r['recall']} ({r['found']} of {r['gold']}) is below {MIN_RECALL}.\n"
            f"Most frequent misses (count, phrase, gold):\n" +
            listing(r["top_misses"], lambda m: f"{m['count']:>4}  {m['phrase']!r}  {m['gold']}"))

    def test_resolved_right(self):
        r = self.r
        self.assertGreaterEqual(
            r["resolved"] or 0.0, MIN_RESOLVED,
            f"TR-News: {r['resolved']} of the {r['scored']} found toponyms with gold coordinates are resolved right "
            f"(exact GeoNames id or within 161 km), below {MIN_RESOLVED} (exact id {r['exact']}, "
            f"{r['unscorable']} system places without id or coordinates).\n"
            f"Most frequent wrong resolutions (count, phrase, gold, system, km):\n" +
            listing(r["top_wrong"], lambda w: f"{w['count']:>4}  {w['phrase']!r}  gold {w['gold']}  "
                                              f"system {w['system']}  {w['km']} km"))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: trnews_test.py PATH/TO/tocsin [SOURCE_DIR]")
    TOCSIN = os.path.abspath(sys.argv[1])
    SOURCE_DIR = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else \
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    SHARED = os.path.normpath(os.path.join(SOURCE_DIR, "..", "shared"))
    gold = os.path.join(SHARED, "data", "geo", "TR-News.xml")
    if not os.path.isfile(gold):
        print(f"SKIP trnews_test: {gold} not found (the shared geoparsing gold lives beside the source tree)")
        sys.exit(SKIP)
    if not os.access(TOCSIN, os.X_OK):
        sys.exit(f"trnews_test.py: `{TOCSIN}` is not an executable tocsin binary")
    unittest.main(argv=[sys.argv[0]], verbosity=2)
