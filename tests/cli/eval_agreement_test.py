#!/usr/bin/env python3
"""`tocsin eval` must compute the same figures as the reference scorer `../shared/tools/score_events.py`.

usage: eval_agreement_test.py PATH/TO/tocsin SOURCE_DIR
Exits 77 (CTest: skipped) when SOURCE_DIR/../shared/seeds or the reference scorer is not there.
The seeds are coded with tocsin into a temporary directory; both scorers then score the same system files:
the seeds output as coded, and variations of it (events dropped, modalities flipped, padding, no events).
"""
import copy
from fractions import Fraction
import json
import os
import subprocess
import sys
import tempfile
import unittest

SKIP = 77
TOCSIN = None
SOURCE_DIR = None
SHARED = None
GOLD = None
SCORER = None


def is_power_of_two(n):
    return n > 0 and n & (n - 1) == 0


def env_without_model_override():
    env = dict(os.environ)
    env.pop("TOCSIN_MODEL", None)
    return env


def run(cmd, timeout=60):
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout, env=env_without_model_override())
    except subprocess.TimeoutExpired:
        raise AssertionError(f"`{' '.join(cmd)}` did not finish within {timeout} s") from None


def describe(cmd, proc):
    return (f"command: {' '.join(cmd)}\nexit status: {proc.returncode}\n"
            f"stdout:\n{proc.stdout.decode('utf-8', 'replace')[:2000]}\n"
            f"stderr:\n{proc.stderr.decode('utf-8', 'replace')[-2000:]}")


class EvalAgreement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="tocsin_eval_")
        cls.tmp = cls._tmp.name
        cls.seeds_events = os.path.join(cls.tmp, "seeds-events.jsonl")
        cmd = [TOCSIN, "code", os.path.join(SHARED, "seeds", "input.jsonl"), "-o", cls.seeds_events]
        proc = run(cmd)
        # 1 would mean a refused or repaired document; languages without lexicons are notes, not failures.
        if proc.returncode != 0 or not os.path.isfile(cls.seeds_events):
            raise AssertionError(f"coding the seeds failed\n{describe(cmd, proc)}")
        with open(cls.seeds_events, encoding="utf-8") as f:
            cls.events = [json.loads(l) for l in f if l.strip()]
        if not cls.events:
            raise AssertionError(f"tocsin coded no events from the seeds\n{describe(cmd, proc)}")

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    # -- system files ----------------------------------------------------------------------------------
    def write_events(self, name, events):
        p = os.path.join(self.tmp, name)
        with open(p, "w", encoding="utf-8") as f:
            for e in events:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
        return p

    def variants(self):
        ev = self.events
        out = {"seeds as coded": self.seeds_events}
        out["every third event dropped"] = self.write_events(
            "drop-third.jsonl", [e for i, e in enumerate(ev) if i % 3 != 2])
        flipped = copy.deepcopy(ev)
        for e in flipped:
            if e.get("modality") != "asserted":
                e["modality"] = "asserted"  # calls, threats and negations now claim to be deeds
        out["all modalities flipped to asserted"] = self.write_events("flipped.jsonl", flipped)
        half_flipped = copy.deepcopy(ev)
        for i, e in enumerate(half_flipped):
            if i % 2 == 0 and e.get("modality") != "asserted":
                e["modality"] = "asserted"
        out["every other non-asserted flipped"] = self.write_events("half-flipped.jsonl", half_flipped)
        no_modality = copy.deepcopy(ev)
        for e in no_modality[::4]:
            e.pop("modality", None)  # both scorers treat a missing modality as asserted
        out["modality missing on some"] = self.write_events("no-modality.jsonl", no_modality)
        null_modality = copy.deepcopy(ev)
        for e in null_modality[1::4]:
            e["modality"] = None  # not FORMAT.md, but a file a converter might write; the reference decides
        out["modality null on some"] = self.write_events("null-modality.jsonl", null_modality)
        out["reversed order"] = self.write_events("reversed.jsonl", list(reversed(ev)))
        out["empty file"] = self.write_events("empty.jsonl", [])
        # Extra asserted events on sentences that match no gold event, in a gold document, so that precision
        # (good / asserted) lands exactly halfway between two 3-decimal values, a value binary floating point
        # cannot hold exactly: the case where the two scorers' rounding must still agree.
        ref = json.loads(self.score(self.seeds_events, as_json=True)[1])
        n_asserted = ref["asserted_system_events"]
        good = round(ref["precision"] * n_asserted)
        denominator = next((a for a in range(max(n_asserted, 1), 4001)
                            if good and Fraction(1000 * good, a).denominator == 2
                            and not is_power_of_two(Fraction(good, a).denominator)), None)
        asserted = [e for e in ev if e.get("modality", "asserted") == "asserted"]
        padded = copy.deepcopy(ev)
        if denominator is not None and asserted:
            template = next((e for e in asserted if e["doc"] in {g["doc"] for g in self.gold()}), asserted[0])
            for i in range(denominator - n_asserted):
                extra = copy.deepcopy(template)
                extra["id"] = f"{template['doc']}#pad{i}"
                extra["sentence"] = {"index": 10000 + i, "span": [0, 0],
                                     "text": f"Unrelated filler sentence number {i} about the weather."}
                padded.append(extra)
        self.padded_denominator = denominator
        out["padded so precision is a decimal tie"] = self.write_events("padded.jsonl", padded)
        return out

    def gold(self):
        with open(GOLD, encoding="utf-8") as f:
            return [json.loads(l) for l in f if l.strip()]

    # -- scorers ---------------------------------------------------------------------------------------
    def score(self, system, as_json):
        flag = ["--json"] if as_json else []
        ours_cmd = [TOCSIN, "eval", GOLD, system, *flag]
        ref_cmd = [sys.executable, SCORER, GOLD, system, *flag]
        ours, ref = run(ours_cmd), run(ref_cmd)
        self.assertEqual(ref.returncode, 0, f"the reference scorer failed\n{describe(ref_cmd, ref)}")
        self.assertEqual(ours.returncode, 0, f"tocsin eval failed\n{describe(ours_cmd, ours)}")
        return ours.stdout.decode("utf-8"), ref.stdout.decode("utf-8")

    def assertSameJson(self, name, system):
        ours_text, ref_text = self.score(system, as_json=True)
        try:
            ours = json.loads(ours_text)
        except json.JSONDecodeError as e:
            self.fail(f"[{name}] tocsin eval --json did not print JSON ({e}): {ours_text[:500]!r}")
        ref = json.loads(ref_text)
        self.assertEqual(sorted(ours), sorted(ref), f"[{name}] the two scorers report different keys")
        diffs = {k: (ours[k], ref[k]) for k in ref if ours[k] != ref[k]}
        self.assertFalse(diffs, f"[{name}] tocsin eval disagrees with score_events.py on "
                                f"{', '.join(sorted(diffs))}:\n" +
                         "\n".join(f"  {k}: tocsin {a!r}, reference {b!r}" for k, (a, b) in sorted(diffs.items())))
        return ref

    def assertSameText(self, name, system):
        ours, ref = self.score(system, as_json=False)
        ours_lines, ref_lines = ours.splitlines(), ref.splitlines()
        for i, (a, b) in enumerate(zip(ours_lines, ref_lines), 1):
            self.assertEqual(a, b, f"[{name}] plain-text output differs at line {i}:\n  tocsin:    {a}\n"
                                   f"  reference: {b}")
        self.assertEqual(len(ours_lines), len(ref_lines),
                         f"[{name}] plain-text output has {len(ours_lines)} lines, the reference {len(ref_lines)}")

    # -- tests -----------------------------------------------------------------------------------------
    def test_seeds_json(self):
        ref = self.assertSameJson("seeds as coded", self.seeds_events)
        self.assertGreater(ref["required"], 0, "the gold file has no required events: nothing was compared")
        self.assertGreater(ref["matched"], 0, "no gold event matched: the comparison exercises very little")

    def test_seeds_plain_text(self):
        self.assertSameText("seeds as coded", self.seeds_events)

    def test_variants_json(self):
        seen = set()
        for name, path in self.variants().items():
            with self.subTest(system=name):
                ref = self.assertSameJson(name, path)
                seen.add(json.dumps(ref, sort_keys=True))
        self.assertGreater(len(seen), 3, "the variants hardly change the scores; they test too little")

    def test_variants_plain_text(self):
        for name, path in self.variants().items():
            with self.subTest(system=name):
                self.assertSameText(name, path)

    def test_variants_exercise_modality_errors_and_empty_input(self):
        v = self.variants()
        _, flipped = self.score(v["all modalities flipped to asserted"], as_json=True)
        self.assertTrue(json.loads(flipped)["modality_errors"],
                        "flipping modalities produced no modality errors: the variant does not test them")
        self.assertIsNotNone(self.padded_denominator, "found no padding that puts precision on a decimal tie")
        _, padded = self.score(v["padded so precision is a decimal tie"], as_json=True)
        self.assertEqual(json.loads(padded)["asserted_system_events"], self.padded_denominator)
        _, empty = self.score(v["empty file"], as_json=True)
        self.assertEqual(json.loads(empty)["matched"], 0)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: eval_agreement_test.py PATH/TO/tocsin SOURCE_DIR")
    TOCSIN = os.path.abspath(sys.argv[1])
    SOURCE_DIR = os.path.abspath(sys.argv[2])
    SHARED = os.path.normpath(os.path.join(SOURCE_DIR, "..", "shared"))
    GOLD = os.path.join(SHARED, "seeds", "gold", "events.jsonl")
    SCORER = os.path.join(SHARED, "tools", "score_events.py")
    if not os.path.isdir(os.path.join(SHARED, "seeds")):
        print(f"SKIP eval_agreement_test: no seeds at {os.path.join(SHARED, 'seeds')} "
              f"(the shared seeds and reference scorer live beside the source tree)")
        sys.exit(SKIP)
    for p in (GOLD, SCORER, os.path.join(SHARED, "seeds", "input.jsonl")):
        if not os.path.isfile(p):
            print(f"SKIP eval_agreement_test: {p} is missing")
            sys.exit(SKIP)
    if not os.access(TOCSIN, os.X_OK):
        sys.exit(f"eval_agreement_test.py: `{TOCSIN}` is not an executable tocsin binary")
    unittest.main(argv=[sys.argv[0]], verbosity=2)
