#!/usr/bin/env python3
"""Pairwise clustering precision and recall of Tocsin's stories on reports labelled with their episode.

usage: story_eval.py [--tocsin BIN] [--reports FILE] [--threshold X] [--json OUT]

The reports (default tests/stories/reports.jsonl, written for the project) carry an `episode` label. Each is
coded with `tocsin code --stories`; a report's story is the story holding most of its asserted events (a
report may recall other happenings in background sentences, whose events rightly join other stories). Over
all pairs of reports: precision = pairs put in one story that share an episode / pairs put in one story;
recall = pairs that share an episode put in one story / pairs that share an episode.
"""
import argparse
import collections
import itertools
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main_story(events):
    count = collections.Counter(e["story"] for e in events if e.get("story") and e.get("modality") == "asserted")
    return count.most_common(1)[0][0] if count else None


def evaluate(tocsin, reports_path, threshold=None):
    with open(reports_path, encoding="utf-8") as f:
        reports = [json.loads(l) for l in f if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "events.jsonl")
        cmd = [tocsin, "code", reports_path, "--stories", "-o", out]
        if threshold is not None:
            cmd += ["--story-threshold", str(threshold)]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode > 1:
            sys.exit(f"story_eval: tocsin failed ({run.returncode}): {run.stderr}")
        events = collections.defaultdict(list)
        with open(out, encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                events[e["doc"]].append(e)
    story = {r["id"]: main_story(events.get(r["id"], [])) for r in reports}
    tp = fp = fn = 0
    wrong, missed = [], []
    for a, b in itertools.combinations(reports, 2):
        same_gold = a["episode"] == b["episode"]
        same_sys = story[a["id"]] is not None and story[a["id"]] == story[b["id"]]
        if same_gold and same_sys:
            tp += 1
        elif same_sys:
            fp += 1
            wrong.append((a["id"], b["id"]))
        elif same_gold:
            fn += 1
            missed.append((a["id"], b["id"]))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"reports": len(reports), "pairs_same_episode": tp + fn, "pairs_same_story": tp + fp,
            "precision": round(precision, 3), "recall": round(recall, 3), "stories": story,
            "wrongly_joined": wrong, "missed": missed}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tocsin", default=os.path.join(ROOT, "build", "tocsin"))
    ap.add_argument("--reports", default=os.path.join(ROOT, "tests", "stories", "reports.jsonl"))
    ap.add_argument("--threshold", type=float)
    ap.add_argument("--json")
    args = ap.parse_args()
    r = evaluate(args.tocsin, args.reports, args.threshold)
    print(f"reports {r['reports']}, pairs of one episode {r['pairs_same_episode']}, pairs put in one story "
          f"{r['pairs_same_story']}: precision {r['precision']:.3f}, recall {r['recall']:.3f}")
    by_story = collections.defaultdict(list)
    for doc, s in r["stories"].items():
        by_story[s].append(doc)
    for s, docs in sorted(by_story.items(), key=lambda x: (x[0] is None, x[0] or "")):
        print(f"  {s or '(none)'}: {', '.join(docs)}")
    if r["wrongly_joined"]:
        print("  joined but different episodes:", r["wrongly_joined"][:10])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r, f, indent=1)


if __name__ == "__main__":
    main()
