#!/usr/bin/env python3
"""Groups and stories (issue "One happening, one event"), as a user runs them.

usage: stories_test.py TOCSIN SOURCE_DIR

- On the reports written for this test (tests/stories/reports.jsonl: ten episodes and their confusers in seven
  languages), pairwise clustering precision >= 0.9 and recall >= 0.8 (benchmarks/story_eval.py).
- Incremental: coding the reports in two runs that share --stories-file puts them in the same stories as one run.
- Seeds (skipped when ../shared is absent): the translations 002 and 004 share a story, and every gold
  same_as pair shares a group.
"""
import collections
import json
import os
import subprocess
import sys
import tempfile
import unittest

TOCSIN = sys.argv[1] if len(sys.argv) > 1 else "build/tocsin"
SOURCE = sys.argv[2] if len(sys.argv) > 2 else "."
REPORTS = os.path.join(SOURCE, "tests", "stories", "reports.jsonl")
SHARED = os.path.join(os.path.dirname(os.path.abspath(SOURCE)), "shared")
sys.path.insert(0, os.path.join(SOURCE, "benchmarks"))
import story_eval  # noqa: E402

MIN_PRECISION, MIN_RECALL = 0.9, 0.8


def code(inputs, *extra):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "events.jsonl")
        run = subprocess.run([TOCSIN, "code", *inputs, "-o", out, *extra], capture_output=True, text=True)
        assert run.returncode <= 1, run.stderr
        with open(out, encoding="utf-8") as f:
            return [json.loads(l) for l in f]


def partition(events):
    """Documents grouped by their main story (the story of most of their asserted events)."""
    by_doc = collections.defaultdict(list)
    for e in events:
        by_doc[e["doc"]].append(e)
    main = {d: story_eval.main_story(evs) for d, evs in by_doc.items()}
    groups = collections.defaultdict(set)
    for d, s in main.items():
        groups[s].add(d)
    return sorted(sorted(g) for g in groups.values())


class Stories(unittest.TestCase):
    def test_reports_cluster_into_their_episodes(self):
        r = story_eval.evaluate(TOCSIN, REPORTS)
        msg = f"precision {r['precision']} recall {r['recall']}; wrongly joined {r['wrongly_joined'][:5]}; " \
              f"missed {r['missed'][:5]}"
        self.assertGreaterEqual(r["precision"], MIN_PRECISION, msg)
        self.assertGreaterEqual(r["recall"], MIN_RECALL, msg)

    def test_a_later_run_joins_the_stories_of_an_earlier_one(self):
        with open(REPORTS, encoding="utf-8") as f:
            lines = f.read().splitlines()
        with tempfile.TemporaryDirectory() as tmp:
            first, second = os.path.join(tmp, "a.jsonl"), os.path.join(tmp, "b.jsonl")
            with open(first, "w", encoding="utf-8") as f:
                f.write("\n".join(lines[: len(lines) // 2]) + "\n")
            with open(second, "w", encoding="utf-8") as f:
                f.write("\n".join(lines[len(lines) // 2:]) + "\n")
            state = os.path.join(tmp, "stories.json")
            split = code([first], "--stories-file", state) + code([second], "--stories-file", state)
            self.assertTrue(os.path.isfile(state))
            whole = code([REPORTS], "--stories")
            self.assertEqual(partition(split), partition(whole),
                             "two runs sharing --stories-file should cluster like one run")

    def test_stories_lists_documents_languages_and_figures(self):
        with tempfile.TemporaryDirectory() as tmp:
            events = os.path.join(tmp, "events.jsonl")
            run = subprocess.run([TOCSIN, "code", REPORTS, "-o", events], capture_output=True, text=True)
            self.assertLessEqual(run.returncode, 1, run.stderr)
            saved = os.path.join(tmp, "stories.json")
            run = subprocess.run([TOCSIN, "stories", events, "--min-reports", "3", "--save", saved],
                                 capture_output=True, text=True)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertRegex(run.stdout, r"KGZ  2010-04-0\d\.\.2010-04-\d\d  .*Bishkek.*document\(s\):")
            self.assertIn("bk10-fr-1", run.stdout)
            self.assertRegex(run.stdout, r"dead \d+")
            # The saved stories read back the same.
            again = subprocess.run([TOCSIN, "stories", saved, "--min-reports", "3"], capture_output=True, text=True)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertEqual(again.stdout, run.stdout)
            bad = subprocess.run([TOCSIN, "stories", REPORTS], capture_output=True, text=True)
            self.assertEqual(bad.returncode, 2, "input records are not events")
            self.assertIn("not an event record", bad.stderr)

    def test_seed_translations_share_a_story_and_same_as_pairs_a_group(self):
        seeds = os.path.join(SHARED, "seeds", "input.jsonl")
        gold = os.path.join(SHARED, "seeds", "gold", "events.jsonl")
        if not os.path.isfile(seeds):
            self.skipTest("../shared/seeds is absent")
        events = code([seeds], "--stories")
        stories = collections.defaultdict(set)
        for e in events:
            if e.get("story") and e["modality"] == "asserted":
                stories[e["doc"][:3]].add(e["story"])
        self.assertTrue(stories["002"] & stories["004"], f"002 {stories['002']} and 004 {stories['004']} share none")
        # Every gold same_as pair shares a group: match gold events to system events as the reference
        # scorer does (tools/score_events.py), then compare the groups.
        sys.path.insert(0, os.path.join(SHARED, "tools"))
        import score_events as se
        gold_events = se.load(gold)
        by_doc = collections.defaultdict(list)
        for e in events:
            by_doc[e["doc"]].append(e)
        matched, used = {}, set()
        for g in sorted(gold_events, key=lambda g: {"required": 0, "optional": 1, "negative": 2}[g["status"]]):
            if g["status"] == "negative":
                continue
            best, best_key = None, None
            for s in by_doc[g["doc"]]:
                if id(s) in used or s.get("type") not in {g["type"], *g.get("type_alt", [])}:
                    continue
                ov = se.overlap(g["evidence"], s["sentence"]["text"])
                if ov < 0.6:
                    continue
                agree = sum(1 for k in ("dead", "injured", "arrested", "size")
                            if g.get(k) is not None and (s.get(k) or {}).get("value") == g[k])
                agree += bool(se.place_ok(g.get("place"), s.get("place")))
                key = (s.get("type") == g["type"], agree, round(ov, 3))
                if best_key is None or key > best_key:
                    best, best_key = s, key
            if best is not None:
                matched[g["id"]] = best
                used.add(id(best))
        pairs = [(g["id"], g["same_as"]) for g in gold_events if g.get("same_as")]
        self.assertTrue(pairs)
        for a, b in pairs:
            self.assertIn(a, matched)
            self.assertIn(b, matched)
            self.assertEqual(matched[a]["group"], matched[b]["group"], f"{a} and {b} are in different groups")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
