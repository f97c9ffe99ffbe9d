#!/usr/bin/env python3
"""Bad inputs through the `tocsin code` CLI, as a user meets them.

The bar (from the issue): invalid UTF-8, a binary file, an empty file, a 50 MB single-line file, a JSONL
line that is not JSON, a record without `id`: each gets a clear error naming the document and line, every
other document is still coded, and the exit status says whether anything failed.

usage: bad_input_test.py PATH/TO/tocsin
Every file is written to a temporary directory; the model is the one beside the binary.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

TOCSIN = None  # set from argv in __main__

GOOD_TEXT = "Riot police detained 40 protesters in Almaty on Monday.\n"
GOOD_RECORD_A = {"id": "rec-a", "text": "Riot police detained 40 protesters in Almaty on Monday."}
GOOD_RECORD_C = {"id": "rec-c", "text": "Police arrested 12 activists in Bishkek on Tuesday."}

# Prose for the large documents: one event sentence in ten, the rest ordinary reporting.
EVENT_SENTENCE = b"Riot police detained 40 protesters in Almaty on Monday. "
CALM_SENTENCE = b"The weather was mild and the market in the old town was quiet that afternoon. "
PROSE_BLOCK = EVENT_SENTENCE + CALM_SENTENCE * 9

MB = 1024 * 1024


def env_without_model_override():
    env = dict(os.environ)
    env.pop("TOCSIN_MODEL", None)  # the model beside the binary, not whatever the caller has set
    return env


class Run:
    """One finished `tocsin` run: return code, stdout events (parsed), stderr text."""

    def __init__(self, args, proc, test):
        self.args = args
        self.returncode = proc.returncode
        self.stdout_bytes = proc.stdout
        self.stderr = proc.stderr.decode("utf-8", "replace")
        test.assertGreaterEqual(
            proc.returncode, 0,
            f"tocsin crashed (killed by signal {-proc.returncode}) on {args}\nstderr:\n{self.stderr[-3000:]}")
        try:
            text = proc.stdout.decode("utf-8")
        except UnicodeDecodeError as e:
            test.fail(f"stdout of {args} is not valid UTF-8 ({e})")
        self.events = []
        for n, line in enumerate(text.splitlines(), 1):
            try:
                ev = json.loads(line)
            except json.JSONDecodeError as e:
                test.fail(f"stdout line {n} of {args} is not JSON ({e}): {line[:200]!r}")
            test.assertIsInstance(ev, dict, f"stdout line {n} of {args} is not a JSON object: {line[:200]!r}")
            test.assertIn("doc", ev, f"stdout line {n} of {args} has no `doc`: {line[:200]!r}")
            self.events.append(ev)

    def docs(self):
        return [e["doc"] for e in self.events]

    def describe(self):
        return (f"command: tocsin {' '.join(self.args)}\nexit status: {self.returncode}\n"
                f"stderr:\n{self.stderr[-3000:]}")


class CliTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="tocsin_bad_input_")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    # -- helpers ---------------------------------------------------------------------------------------
    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        return name

    def write_jsonl(self, name, lines, final_newline=True):
        body = "\n".join(json.dumps(l, ensure_ascii=False) if isinstance(l, dict) else l for l in lines)
        return self.write(name, body + ("\n" if final_newline else ""))

    def write_prose(self, name, size):
        """A single-line document of `size` bytes of ordinary prose (no newline at all)."""
        reps = size // len(PROSE_BLOCK) + 1
        data = (PROSE_BLOCK * reps)[:size]
        # End on a complete sentence so the last one is not a fragment.
        data = data[: data.rfind(b". ") + 1]
        return self.write(name, data)

    def tocsin(self, *args, timeout=60, stdin=None):
        args = [str(a) for a in args]
        try:
            proc = subprocess.run([TOCSIN, *args], cwd=self.tmp, input=stdin, capture_output=True,
                                  timeout=timeout, env=env_without_model_override())
        except subprocess.TimeoutExpired:
            raise self.failureException(f"`tocsin {' '.join(args)}` did not finish within {timeout} s "
                                        f"(killed)") from None
        return Run(args, proc, self)

    def assertExit(self, run, code, why):
        self.assertEqual(run.returncode, code, f"expected exit status {code} ({why})\n{run.describe()}")

    def assertStderrLine(self, run, *needles):
        """Some single stderr line names all of `needles` (the document and the reason together)."""
        for line in run.stderr.splitlines():
            if all(n in line for n in needles):
                return line
        self.fail(f"no stderr line contains all of {list(needles)}\n{run.describe()}")

    def assertNoStderr(self, run, needle):
        self.assertNotIn(needle, run.stderr, f"stderr unexpectedly mentions {needle!r}\n{run.describe()}")

    def assertCoded(self, run, doc):
        self.assertIn(doc, run.docs(),
                      f"no event for document `{doc}` on stdout: the good document must still be coded\n"
                      f"documents with events: {sorted(set(run.docs()))}\n{run.describe()}")

    def assertNotCoded(self, run, doc):
        self.assertNotIn(doc, run.docs(), f"a refused document `{doc}` still produced events\n{run.describe()}")


class AllGood(CliTestCase):
    def test_all_good_inputs_exit_0_with_events(self):
        good = self.write("good.txt", GOOD_TEXT)
        recs = self.write_jsonl("recs.jsonl", [GOOD_RECORD_A, GOOD_RECORD_C])
        run = self.tocsin("code", good, recs)
        self.assertExit(run, 0, "every document was coded cleanly")
        self.assertTrue(run.events, f"no events for three documents that each report an arrest\n{run.describe()}")
        self.assertEqual(sorted(set(run.docs())), ["good", "rec-a", "rec-c"],
                         f"events should come from exactly the three inputs\n{run.describe()}")
        self.assertEqual(run.stderr.strip(), "", f"a clean run should print nothing on stderr\n{run.describe()}")

    def test_final_jsonl_line_without_newline_is_not_an_error(self):
        recs = self.write_jsonl("recs.jsonl", [GOOD_RECORD_A, GOOD_RECORD_C], final_newline=False)
        run = self.tocsin("code", recs)
        self.assertExit(run, 0, "a complete last record without a trailing newline is fine")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-c")

    def test_crlf_jsonl_is_not_an_error(self):
        body = json.dumps(GOOD_RECORD_A) + "\r\n" + json.dumps(GOOD_RECORD_C) + "\r\n"
        recs = self.write("recs.jsonl", body)
        run = self.tocsin("code", recs)
        self.assertExit(run, 0, "CRLF line endings are ordinary JSON whitespace")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-c")


class BadText(CliTestCase):
    def test_invalid_utf8_is_repaired_coded_and_reported(self):
        good = self.write("good.txt", GOOD_TEXT)
        bad = self.write("bad.txt", b"Riot police detained \xff\xfe 40 protesters in Almaty \xc3 on Monday. "
                                    b"Police arrested 12 activists in Bishkek on Tuesday.\n")
        run = self.tocsin("code", bad, good, "--docs", "docs.jsonl")
        self.assertExit(run, 1, "a document was repaired, which counts as something that went wrong")
        self.assertStderrLine(run, "bad.txt", "invalid UTF-8")
        self.assertCoded(run, "bad")  # repaired, not refused
        self.assertCoded(run, "good")
        # The repaired document's spans index the repaired text that --docs writes out.
        with open(self.path("docs.jsonl"), encoding="utf-8") as f:
            docs = {d["id"]: d for d in map(json.loads, f)}
        self.assertIn("bad", docs, "--docs has no record for the repaired document")
        self.assertTrue(any("UTF-8" in e for e in docs["bad"].get("errors", [])),
                        f"the document record should list the repair in `errors`: {docs['bad'].get('errors')}")
        text = docs["bad"]["text"].encode("utf-8")
        for ev in run.events:
            if ev["doc"] != "bad":
                continue
            b, e = ev["trigger"]["span"]
            self.assertEqual(text[b:e].decode("utf-8", "replace"), ev["trigger"]["text"],
                             f"trigger span {ev['trigger']['span']} of {ev['id']} does not point at its text")

    def test_binary_file_is_refused(self):
        good = self.write("good.txt", GOOD_TEXT)
        elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 4000
        x = self.write("x.txt", elf)
        run = self.tocsin("code", x, good)
        self.assertExit(run, 1, "a document was refused")
        self.assertStderrLine(run, "x.txt", "binary")
        self.assertNotCoded(run, "x")
        self.assertCoded(run, "good")

    def test_empty_file_is_refused(self):
        good = self.write("good.txt", GOOD_TEXT)
        empty = self.write("empty.txt", b"")
        blank = self.write("blank.txt", b"  \n\n\t \n")
        run = self.tocsin("code", empty, good, blank)
        self.assertExit(run, 1, "empty documents were refused")
        self.assertStderrLine(run, "empty.txt", "empty")
        self.assertStderrLine(run, "blank.txt", "empty")
        self.assertCoded(run, "good")

    def test_50mb_single_line_file_is_refused_with_the_limit_named(self):
        good = self.write("good.txt", GOOD_TEXT)
        big = self.write_prose("big.txt", 50 * MB)
        run = self.tocsin("code", big, good, timeout=30)
        self.assertExit(run, 1, "the 50 MB document is over the default 16 MB limit")
        self.assertStderrLine(run, "big.txt", "over the limit", "--max-doc-mb")
        self.assertNotCoded(run, "big")
        self.assertCoded(run, "good")

    def test_50mb_jsonl_record_is_refused_with_file_line_and_id(self):
        big_text = (PROSE_BLOCK * (50 * MB // len(PROSE_BLOCK) + 1)).decode("ascii")
        recs = self.write_jsonl("recs.jsonl", [GOOD_RECORD_A, {"id": "huge", "text": big_text}, GOOD_RECORD_C])
        del big_text
        run = self.tocsin("code", recs, timeout=30)
        self.assertExit(run, 1, "the 50 MB record is over the default limit")
        self.assertStderrLine(run, "recs.jsonl:2", "huge", "over the limit", "--max-doc-mb")
        self.assertNotCoded(run, "huge")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-c")

    def test_raising_the_limit_codes_a_document_over_the_default(self):
        # The mechanics of --max-doc-mb on a document small enough to code in a second.
        good = self.write("good.txt", GOOD_TEXT)
        doc = self.write_prose("mid.txt", int(1.5 * MB))
        refused = self.tocsin("code", doc, good, "--max-doc-mb", "1")
        self.assertExit(refused, 1, "1.5 MB is over --max-doc-mb 1")
        self.assertStderrLine(refused, "mid.txt", "over the limit", "--max-doc-mb")
        self.assertNotCoded(refused, "mid")
        self.assertCoded(refused, "good")
        coded = self.tocsin("code", doc, good, "--max-doc-mb", "2")
        self.assertIn(coded.returncode, (0, 1), coded.describe())
        self.assertNoStderr(coded, "over the limit")
        self.assertCoded(coded, "mid")
        self.assertCoded(coded, "good")

    def test_raised_limit_codes_a_long_single_line_file(self):
        # A long single-line file (a scraped page without newlines, a concatenated dump) is coded once the
        # limit allows it, every sentence of it. (Regression: stages that scanned the whole document per
        # sentence or per event made this quadratic: 20 MB took minutes.) The timeout only guards against a
        # hang; speed is measured in benchmarks/, not here.
        good = self.write("good.txt", GOOD_TEXT)
        big = self.write_prose("big.txt", 4 * MB)
        run = self.tocsin("code", big, good, "--max-doc-mb", "8", timeout=900)
        self.assertIn(run.returncode, (0, 1), run.describe())
        self.assertNoStderr(run, "over the limit")
        self.assertCoded(run, "big")
        self.assertCoded(run, "good")
        n_big = sum(1 for d in run.docs() if d == "big")
        expected = (4 * MB) // len(PROSE_BLOCK)
        self.assertGreaterEqual(n_big, expected * 9 // 10,
                                f"only {n_big} events from ~{expected} arrest sentences in the 4 MB document")


class BadJsonl(CliTestCase):
    def test_line_that_is_not_json(self):
        recs = self.write_jsonl("in.jsonl", [GOOD_RECORD_A, "{not json", GOOD_RECORD_C])
        good = self.write("good.txt", GOOD_TEXT)
        run = self.tocsin("code", recs, good)
        self.assertExit(run, 1, "line 2 could not be read")
        self.assertStderrLine(run, "in.jsonl:2", "not a JSON object")
        self.assertNotIn("in.jsonl:1", run.stderr, run.describe())
        self.assertNotIn("in.jsonl:3", run.stderr, run.describe())
        self.assertCoded(run, "rec-a")  # line 1
        self.assertCoded(run, "rec-c")  # line 3
        self.assertCoded(run, "good")

    def test_record_without_id(self):
        recs = self.write_jsonl("in.jsonl", [GOOD_RECORD_A, {"text": "Police arrested 5 men in Osh on Friday."},
                                             GOOD_RECORD_C])
        run = self.tocsin("code", recs)
        self.assertExit(run, 1, "line 2 has no id")
        self.assertStderrLine(run, "in.jsonl:2", "no `id`")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-c")

    def test_record_without_text_names_its_id(self):
        recs = self.write_jsonl("in.jsonl", [GOOD_RECORD_A, {"id": "textless", "url": "https://example.org/x"},
                                             GOOD_RECORD_C])
        run = self.tocsin("code", recs)
        self.assertExit(run, 1, "line 2 has no text")
        self.assertStderrLine(run, "in.jsonl:2", "textless", "text")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-c")

    def test_value_that_is_not_an_object(self):
        recs = self.write_jsonl("in.jsonl", [GOOD_RECORD_A, "[1, 2, 3]", GOOD_RECORD_C])
        run = self.tocsin("code", recs)
        self.assertExit(run, 1, "line 2 is an array")
        self.assertStderrLine(run, "in.jsonl:2", "not an object")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-c")

    def test_truncated_final_line(self):
        whole = json.dumps(GOOD_RECORD_C)
        cut = whole[: whole.index("Bishkek") + 4]  # ends inside the text string, no closing quote or brace
        body = json.dumps(GOOD_RECORD_A) + "\n" + json.dumps({"id": "rec-b", "text": GOOD_TEXT}) + "\n" + cut
        recs = self.write("trunc.jsonl", body)
        good = self.write("good.txt", GOOD_TEXT)
        run = self.tocsin("code", recs, good)
        self.assertExit(run, 1, "the last line is cut off")
        self.assertStderrLine(run, "trunc.jsonl:3")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-b")
        self.assertNotCoded(run, "rec-c")
        self.assertCoded(run, "good")

    def test_invalid_utf8_inside_a_record_is_named_as_such(self):
        # JSON must be UTF-8; a record with a stray Latin-1 byte in its text is a JSON object with bad bytes.
        # The message must name the line and say what is wrong (not claim the line is not a JSON object).
        line2 = b'{"id": "latin1", "text": "Riot police detained 40 protesters in Almaty on Monday \xe9t\xe9."}'
        body = (json.dumps(GOOD_RECORD_A).encode() + b"\n" + line2 + b"\n" + json.dumps(GOOD_RECORD_C).encode()
                + b"\n")
        recs = self.write("in.jsonl", body)
        run = self.tocsin("code", recs)
        self.assertExit(run, 1, "line 2 holds invalid UTF-8")
        self.assertStderrLine(run, "in.jsonl:2", "UTF-8")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-c")

    def test_stdin_jsonl_errors_name_the_true_line(self):
        body = ("\n\n" + json.dumps(GOOD_RECORD_A) + "\n{not json\n" + json.dumps(GOOD_RECORD_C) + "\n").encode()
        run = self.tocsin("code", "-", stdin=body)
        self.assertExit(run, 1, "stdin line 4 is not JSON")
        # Lines 1-2 are blank, line 3 is record A, line 4 is the broken one.
        self.assertStderrLine(run, "stdin:4", "not a JSON object")
        self.assertCoded(run, "rec-a")
        self.assertCoded(run, "rec-c")


class Threads(CliTestCase):
    def test_threads_keep_input_order_and_the_same_messages(self):
        names = [self.write("good.txt", GOOD_TEXT)]
        names.append(self.write("bad.txt", b"Riot police detained \xff 40 protesters in Almaty on Monday.\n"))
        names.append(self.write("x.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 4000))
        names.append(self.write("empty.txt", b""))
        names.append(self.write_jsonl("in.jsonl", [GOOD_RECORD_A, "{not json", {"text": "no id here."},
                                                   GOOD_RECORD_C]))
        # Many records of very different lengths, so that workers finish out of order.
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "input.jsonl"),
                  encoding="utf-8") as f:
            long_texts = [json.loads(l)["text"] for l in f if l.strip()]
        many = []
        for i in range(60):
            text = long_texts[i % len(long_texts)] if i % 3 == 0 else \
                f"Police arrested {i + 2} activists in Bishkek on Tuesday."
            many.append({"id": f"m{i:03d}", "text": text})
        names.append(self.write_jsonl("many.jsonl", many))
        names.append(self.write("mid.txt", b"Thousands marched in Bishkek on Sunday. " * 2000))
        one = self.tocsin("code", "-j", "1", *names)
        self.assertExit(one, 1, "the mix holds refused and repaired documents")
        self.assertTrue(one.events, one.describe())
        for attempt in range(3):
            four = self.tocsin("code", "-j", "4", *names)
            self.assertEqual(four.returncode, one.returncode, f"-j 4 exit status differs\n{four.describe()}")
            if four.stdout_bytes != one.stdout_bytes:
                a, b = one.stdout_bytes.splitlines(), four.stdout_bytes.splitlines()
                first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                self.fail(f"-j 4 output differs from -j 1 (attempt {attempt + 1}): {len(b)} vs {len(a)} lines, "
                          f"first difference at line {first + 1}:\n-j 1: {a[first][:200] if first < len(a) else None}"
                          f"\n-j 4: {b[first][:200] if first < len(b) else None}")
            self.assertEqual(four.stderr.splitlines(), one.stderr.splitlines(),
                             "-j 4 reports problems differently (or in another order) from -j 1")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: bad_input_test.py PATH/TO/tocsin")
    TOCSIN = os.path.abspath(sys.argv[1])
    if not os.access(TOCSIN, os.X_OK):
        sys.exit(f"bad_input_test.py: `{TOCSIN}` is not an executable tocsin binary")
    unittest.main(argv=[sys.argv[0]], verbosity=2)
