#!/usr/bin/env python3
"""What a user relies on in the `tocsin` CLI: help, stdin, directories, output files, document records,
the event record format (FORMAT.md), span offsets, fatal errors, model files, --summary, --asserted-only.

usage: cli_test.py PATH/TO/tocsin SOURCE_DIR
Every file is written to a temporary directory; the model is the one beside the binary.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

TOCSIN = None      # set from argv in __main__
SOURCE_DIR = None  # set from argv in __main__

EVENT_FIELDS = ["format", "id", "doc", "lang", "type", "mode", "context", "modality", "source", "target", "place",
                "date", "dead", "injured", "arrested", "size", "trigger", "sentence", "group", "cameo", "acled",
                "confidence"]
DOC_FIELDS = ["format", "id", "lang", "text", "sentences", "events", "places", "errors"]
TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
MODALITIES = {"asserted", "negated", "requested", "promised", "threatened", "predicted", "hypothetical"}

ARREST = "Riot police detained 40 protesters in Almaty on Monday.\n"
CALL = "The minister urged the army to return to barracks.\n"
# Multi-byte UTF-8 before and inside the sentences, so byte offsets differ from character offsets.
UNICODE_DOC = ("Kazakhstan’s crisis — day three. On Monday in Almaty, riot police detained 40 protesters outside "
               "the café “Ақорда”, witnesses said. Police arrested 12 activists in Bishkek on Tuesday.\n")


def env_without_model_override():
    env = dict(os.environ)
    env.pop("TOCSIN_MODEL", None)  # the model beside the binary, not whatever the caller has set
    return env


class Run:
    def __init__(self, args, proc, test):
        self.args = args
        self.returncode = proc.returncode
        self.stdout_bytes = proc.stdout
        self.stdout = proc.stdout.decode("utf-8", "replace")
        self.stderr = proc.stderr.decode("utf-8", "replace")
        test.assertGreaterEqual(proc.returncode, 0,
                                f"tocsin crashed (signal {-proc.returncode}) on {args}\n{self.stderr[-3000:]}")

    def describe(self):
        return (f"command: tocsin {' '.join(self.args)}\nexit status: {self.returncode}\n"
                f"stdout (start):\n{self.stdout[:1500]}\nstderr:\n{self.stderr[-3000:]}")


class CliTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="tocsin_cli_")
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
        return p

    def write_jsonl(self, name, records):
        return self.write(name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))

    def tocsin(self, *args, stdin=None, timeout=60):
        args = [str(a) for a in args]
        try:
            proc = subprocess.run([TOCSIN, *args], cwd=self.tmp, input=stdin, capture_output=True, timeout=timeout,
                                  env=env_without_model_override())
        except subprocess.TimeoutExpired:
            raise self.failureException(f"`tocsin {' '.join(args)}` did not finish within {timeout} s") from None
        return Run(args, proc, self)

    def parse_jsonl(self, text, what):
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                self.fail(f"{what}: line {n} is not JSON ({e}): {line[:200]!r}")
            self.assertIsInstance(rec, dict, f"{what}: line {n} is not a JSON object")
            out.append(rec)
        return out

    def events(self, run):
        try:
            text = run.stdout_bytes.decode("utf-8")
        except UnicodeDecodeError as e:
            self.fail(f"stdout is not valid UTF-8 ({e})\n{run.describe()}")
        return self.parse_jsonl(text, f"stdout of tocsin {' '.join(run.args)}")

    def read_jsonl(self, path):
        with open(path, encoding="utf-8") as f:
            return self.parse_jsonl(f.read(), path)

    def assertExit(self, run, code, why):
        self.assertEqual(run.returncode, code, f"expected exit status {code} ({why})\n{run.describe()}")

    def code_ok(self, *args, **kw):
        run = self.tocsin("code", *args, **kw)
        self.assertExit(run, 0, "clean inputs")
        return run, self.events(run)

    def example_input(self):
        p = os.path.join(SOURCE_DIR, "examples", "input.jsonl")
        self.assertTrue(os.path.isfile(p), f"missing example input {p}")
        return p


class Help(CliTest):
    def test_top_level_help(self):
        run = self.tocsin("--help")
        self.assertExit(run, 0, "--help")
        self.assertIn("Examples", run.stdout, f"`tocsin --help` shows no examples\n{run.describe()}")
        self.assertIn("tocsin code", run.stdout, run.describe())
        self.assertIn("Exit status", run.stdout, f"`tocsin --help` does not document exit status\n{run.describe()}")

    def test_code_help(self):
        run = self.tocsin("code", "--help")
        self.assertExit(run, 0, "code --help")
        self.assertIn("--max-doc-mb", run.stdout, run.describe())
        self.assertTrue(re.search(r"example", run.stdout, re.I),
                        f"`tocsin code --help` shows no examples of use\n{run.describe()}")
        self.assertIn("tocsin code ", run.stdout,
                      f"`tocsin code --help` shows no example command line\n{run.describe()}")

    def test_no_subcommand_is_a_usage_error(self):
        run = self.tocsin()
        self.assertExit(run, 2, "no sub-command is a fatal usage error")
        self.assertTrue(run.stderr.strip() or run.stdout.strip(), "no message for a missing sub-command")


class Stdin(CliTest):
    def test_plain_text_from_stdin(self):
        run, events = self.code_ok("-", stdin=ARREST.encode())
        self.assertTrue(events, f"no event from an arrest report on stdin\n{run.describe()}")
        self.assertEqual({e["doc"] for e in events}, {"stdin"}, "plain text on stdin is the document `stdin`")
        self.assertIn("COERCE", {e["type"] for e in events}, run.describe())

    def test_jsonl_from_stdin(self):
        body = "".join(json.dumps(r) + "\n" for r in [
            {"id": "s-one", "text": ARREST.strip()},
            {"id": "s-two", "text": "Police arrested 12 activists in Bishkek on Tuesday."}])
        run, events = self.code_ok("-", stdin=body.encode())
        docs = [e["doc"] for e in events]
        self.assertIn("s-one", docs, run.describe())
        self.assertIn("s-two", docs, run.describe())
        self.assertNotIn("stdin", docs, "JSON Lines on stdin were taken as one plain-text document")
        self.assertLess(docs.index("s-one"), docs.index("s-two"), "stdin records out of input order")


class Inputs(CliTest):
    def test_directory_is_walked_recursively_in_name_order(self):
        self.write("d/b.txt", ARREST)
        self.write("d/sub/c.txt", "Police arrested 12 activists in Bishkek on Tuesday.\n")
        self.write("d/sub/deeper/e.txt", "Troops opened fire on protesters in Osh on Friday, killing three.\n")
        self.write_jsonl("d/a/z.jsonl", [{"id": "z-1", "text": "Thousands of people protested in Almaty on Sunday."},
                                         {"id": "z-2", "text": "Police arrested 5 men in Osh on Friday."}])
        # (.xml, .html, .warc and .gz are read: feeds, pages, crawl archives)
        for ignored in ("d/notes.md", "d/data.csv", "d/README", "d/sub/page.pdf"):
            self.write(ignored, ARREST)
        run, events = self.code_ok(self.path("d"))
        order = []
        for e in events:
            if not order or order[-1] != e["doc"]:
                order.append(e["doc"])
        # Paths in name order: d/a/z.jsonl, d/b.txt, d/sub/c.txt, d/sub/deeper/e.txt.
        self.assertEqual(order, ["z-1", "z-2", "b", "c", "e"],
                         f"documents coded in the wrong order or some missing/extra\n{run.describe()}")
        for name in ("notes", "data", "README", "page"):
            self.assertNotIn(name, order, f"`{name}` has an extension tocsin should ignore in a directory walk")

    def test_output_file(self):
        doc = self.write("a.txt", ARREST)
        plain, events = self.code_ok(doc)
        run = self.tocsin("code", doc, "-o", self.path("events.jsonl"))
        self.assertExit(run, 0, "-o")
        self.assertEqual(run.stdout, "", f"with -o nothing belongs on stdout\n{run.describe()}")
        with open(self.path("events.jsonl"), "rb") as f:
            written = f.read()
        self.assertTrue(written, "-o wrote an empty file")
        self.assertEqual(written, plain.stdout_bytes, "-o file differs from what stdout gets without -o")

    def test_unwritable_output_is_fatal(self):
        doc = self.write("a.txt", ARREST)
        out = self.path("no/such/dir/events.jsonl")
        run = self.tocsin("code", doc, "-o", out)
        self.assertExit(run, 2, "cannot write the output file")
        self.assertIn(out, run.stderr, run.describe())

    def test_missing_input_is_fatal_and_named(self):
        doc = self.write("a.txt", ARREST)
        missing = self.path("not-there.txt")
        run = self.tocsin("code", doc, missing)
        self.assertExit(run, 2, "an input path does not exist")
        self.assertIn("not-there.txt", run.stderr, f"the message does not name the missing input\n{run.describe()}")
        self.assertEqual(run.stdout, "", f"exit 2 means nothing ran, yet events were written\n{run.describe()}")


class Records(CliTest):
    def coded_with_docs(self, *extra):
        uni = self.write("unicode-report.txt", UNICODE_DOC)
        call = self.write("call.txt", CALL)
        docs_path = self.path("docs.jsonl")
        run = self.tocsin("code", self.example_input(), uni, call, "--docs", docs_path, *extra)
        self.assertIn(run.returncode, (0, 1), run.describe())
        events = self.events(run)
        self.assertTrue(events, run.describe())
        return run, events, self.read_jsonl(docs_path)

    def test_docs_file_has_one_record_per_input(self):
        with open(self.example_input(), encoding="utf-8") as f:
            example_ids = [json.loads(l)["id"] for l in f if l.strip()]
        run, events, docs = self.coded_with_docs()
        self.assertEqual([d.get("id") for d in docs], example_ids + ["unicode-report", "call"],
                         "--docs should hold one record per input document, in input order")
        for d in docs:
            missing = [k for k in DOC_FIELDS if k not in d]
            self.assertFalse(missing, f"document record {d.get('id')} lacks {missing}")
            self.assertEqual(d["format"], 1, d["id"])
            self.assertIsInstance(d["text"], str, d["id"])
            self.assertIsInstance(d["places"], list, d["id"])
            self.assertIsInstance(d["errors"], list, d["id"])
            self.assertIsInstance(d["sentences"], int, d["id"])
            self.assertGreater(d["sentences"], 0, f"{d['id']}: no sentences")
            n = sum(1 for e in events if e["doc"] == d["id"])
            self.assertEqual(d["events"], n, f"{d['id']}: record says {d['events']} events, stdout has {n}")
            text = d["text"].encode("utf-8")
            for p in d["places"]:
                b, e = p["span"]
                self.assertEqual(text[b:e].decode("utf-8", "replace"), p["text"],
                                 f"{d['id']}: place span {p['span']} does not point at {p['text']!r}")

    def test_docs_file_has_a_record_for_each_refused_document_with_an_id(self):
        # `errors` lists what went wrong with a document; a refused document that has an id still gets its
        # record, whether it was refused while reading (a record without text) or while coding (empty file).
        empty = self.write("empty.txt", b"")
        recs = self.write_jsonl("recs.jsonl", [{"id": "textless", "url": "https://example.org/a"},
                                               {"id": "fine", "text": ARREST.strip()}])
        docs_path = self.path("docs.jsonl")
        run = self.tocsin("code", empty, recs, "--docs", docs_path)
        self.assertExit(run, 1, "two documents were refused")
        docs = {d.get("id"): d for d in self.read_jsonl(docs_path)}
        for doc_id in ("empty", "textless", "fine"):
            self.assertIn(doc_id, docs, f"--docs has no record for document `{doc_id}` (has {sorted(docs)})")
        self.assertTrue(any("empty" in e for e in docs["empty"]["errors"]), docs["empty"])
        self.assertTrue(docs["textless"].get("errors"), f"record of `textless` lists no error: {docs['textless']}")
        self.assertEqual(docs["fine"]["errors"], [], docs["fine"])

    def test_event_records_have_the_format_fields(self):
        run, events, _ = self.coded_with_docs()
        for ev in events:
            missing = [k for k in EVENT_FIELDS if k not in ev]
            self.assertFalse(missing, f"event {ev.get('id')} lacks FORMAT.md fields {missing}")
            self.assertEqual(ev["format"], 1, ev["id"])
            self.assertTrue(ev["id"].startswith(ev["doc"] + "#"), f"event id {ev['id']} not under doc {ev['doc']}")
            self.assertIn(ev["type"], TYPES, ev["id"])
            self.assertIn(ev["modality"], MODALITIES, ev["id"])
            self.assertIsInstance(ev["context"], list, ev["id"])
            self.assertIsInstance(ev["source"], list, ev["id"])
            self.assertIsInstance(ev["target"], list, ev["id"])
            self.assertIsInstance(ev["confidence"], (int, float), ev["id"])
            self.assertTrue(0 <= ev["confidence"] <= 1, f"{ev['id']}: confidence {ev['confidence']}")
            for k in ("dead", "injured", "arrested", "size"):
                if ev[k] is not None:
                    self.assertIn("value", ev[k], f"{ev['id']}.{k}")
                    self.assertIn(ev[k]["qualifier"], {"exact", "at_least", "at_most", "about", "range"},
                                  f"{ev['id']}.{k}")
        ids = [e["id"] for e in events]
        self.assertEqual(len(ids), len(set(ids)), "event ids are not unique")

    def test_spans_are_utf8_byte_offsets_into_the_document_text(self):
        run, events, docs = self.coded_with_docs()
        texts = {d["id"]: d["text"].encode("utf-8") for d in docs}
        checked = 0
        for ev in events:
            self.assertIn(ev["doc"], texts, f"event {ev['id']} names a document missing from --docs")
            text = texts[ev["doc"]]
            spans = [("trigger", ev["trigger"]), ("sentence", ev["sentence"])]
            # An implicit actor (the unnamed protesters of a place) is named by no words: no span, no text.
            for a in ev["source"] + ev["target"]:
                if a["span"] is None:
                    self.assertEqual(a["text"], "", f"{ev['id']}: an actor without a span must be implicit")
            spans += [("source", a) for a in ev["source"] if a["span"] is not None]
            spans += [("target", a) for a in ev["target"] if a["span"] is not None]
            if ev["place"] and ev["place"].get("span") is not None:
                spans.append(("place", ev["place"]))
            for what, obj in spans:
                b, e = obj["span"]
                self.assertTrue(0 <= b <= e <= len(text), f"{ev['id']} {what} span {obj['span']} outside the text")
                try:
                    got = text[b:e].decode("utf-8")
                except UnicodeDecodeError:
                    self.fail(f"{ev['id']} {what} span {obj['span']} cuts a UTF-8 sequence: {text[b:e]!r}")
                self.assertEqual(got, obj["text"],
                                 f"{ev['id']} {what} span {obj['span']} holds {got!r}, the record says "
                                 f"{obj['text']!r}")
                checked += 1
        uni = [e for e in events if e["doc"] == "unicode-report"]
        self.assertTrue(uni, "no event from the report with multi-byte characters")
        self.assertTrue(any(e["trigger"]["span"][0] != len(texts["unicode-report"][:e["trigger"]["span"][0]]
                                                             .decode("utf-8"))
                            for e in uni), "test document should put multi-byte text before a trigger")
        self.assertGreater(checked, 50, "too few spans checked for the test to mean anything")

    def test_explain(self):
        doc = self.write("call.txt", CALL)
        _, plain = self.code_ok(doc)
        for ev in plain:
            self.assertNotIn("explain", ev, "explain appears without --explain")
        run, events = self.code_ok(doc, "--explain")
        self.assertEqual(len(events), len(plain), "--explain changed which events are coded")
        for ev in events:
            self.assertIn("explain", ev, f"--explain did not add `explain` to {ev['id']}")
            self.assertIsInstance(ev["explain"], list, ev["id"])
            self.assertTrue(ev["explain"], f"{ev['id']}: empty explain")
        # Explanations are additions; the coding itself stays the same.
        core = lambda e: {k: e[k] for k in ("id", "type", "mode", "modality", "trigger", "sentence", "place", "date",
                                            "dead", "injured", "arrested", "size", "group", "cameo", "acled")}
        self.assertEqual([core(e) for e in events], [core(e) for e in plain], "--explain changed the events")

    def test_asserted_only(self):
        doc = self.write("call.txt", CALL)
        _, all_events = self.code_ok(doc)
        kinds = {(e["type"], e["modality"]) for e in all_events}
        self.assertIn(("REQUEST", "asserted"), kinds, f"the call itself is an asserted REQUEST: {kinds}")
        self.assertIn(("RETREAT", "requested"), kinds, f"the action called for is a requested RETREAT: {kinds}")
        run, events = self.code_ok(doc, "--asserted-only")
        self.assertTrue(events, f"--asserted-only dropped the asserted REQUEST too\n{run.describe()}")
        for ev in events:
            self.assertEqual(ev["modality"], "asserted", f"--asserted-only wrote {ev['type']} {ev['modality']}")
        self.assertNotIn("RETREAT", {e["type"] for e in events}, "--asserted-only kept the requested RETREAT")

    def test_a_language_without_lexicons_is_a_note_not_a_failure(self):
        # Regression: documents in a language the model has no lexicons for made the exit status 1, as if
        # they had failed. They are segmented and reported in a note; the run is clean.
        # Italian: not among the languages Tocsin has lexicons for.
        it = self.write("it.txt", "I manifestanti hanno occupato la piazza centrale della città martedì sera, "
                                  "e la polizia ha arrestato diverse decine di persone secondo i testimoni.")
        arrest = self.write("arrest.txt", ARREST)
        docs = os.path.join(self.tmp, "docs.jsonl")
        run = self.tocsin("code", it, arrest, "--docs", docs)
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertIn("note: no lexicons for language `it`", run.stderr, run.describe())
        with open(docs, encoding="utf-8") as f:
            records = [json.loads(line) for line in f]
        by_id = {r["id"]: r for r in records}
        self.assertEqual(by_id["it"]["lang"], "it")
        self.assertEqual(by_id["it"]["errors"], [])
        self.assertTrue(any("no lexicons" in n for n in by_id["it"]["notes"]), by_id["it"])

    def test_summary(self):
        doc = self.write("call.txt", CALL)
        arrest = self.write("arrest.txt", ARREST)
        run, events = self.code_ok(doc, arrest, "--summary")
        self.assertIn("event(s)", run.stderr, f"--summary printed no summary on stderr\n{run.describe()}")
        m = re.search(r"(\d+) event\(s\)", run.stderr)
        self.assertIsNotNone(m, run.describe())
        self.assertEqual(int(m.group(1)), len(events), f"summary count disagrees with stdout\n{run.describe()}")
        m = re.search(r"(\d+) document\(s\)", run.stderr)
        self.assertIsNotNone(m, f"summary does not count documents\n{run.describe()}")
        self.assertEqual(int(m.group(1)), 2, run.describe())
        # Without --summary, a clean run says nothing on stderr.
        quiet = self.tocsin("code", doc, arrest)
        self.assertEqual(quiet.stderr.strip(), "", quiet.describe())


class Models(CliTest):
    def default_model(self):
        p = os.path.join(os.path.dirname(TOCSIN), "tocsin.model")
        self.assertTrue(os.path.isfile(p), f"no tocsin.model beside the binary at {p}")
        with open(p, "rb") as f:
            return f.read()

    def test_version_names_the_format_of_the_model_it_reads(self):
        # (It said "model format 1" through formats 2 to 5.)
        run = self.tocsin("--version")
        self.assertExit(run, 0, "--version")
        m = re.search(r"model format (\d+)", run.stdout)
        self.assertTrue(m, f"`tocsin --version` does not name the model format\n{run.describe()}")
        header = self.default_model()[8:12]  # after the magic number, the format as a little-endian uint32
        self.assertEqual(int(m.group(1)), int.from_bytes(header, "little"),
                         f"`tocsin --version` names another format than the model beside it\n{run.describe()}")

    def test_nonexistent_model(self):
        doc = self.write("a.txt", ARREST)
        run = self.tocsin("code", doc, "--model", "/nonexistent")
        self.assertExit(run, 2, "the model file does not exist")
        self.assertIn("/nonexistent", run.stderr, f"the message does not name the model path\n{run.describe()}")
        self.assertEqual(run.stdout, "", run.describe())

    def test_model_build_codes_the_same_as_the_default(self):
        out = self.path("x.model")
        # Compiling the GeoNames gazetteer takes seconds, and a minute or more under ASan.
        run = self.tocsin("model", "build", os.path.join(SOURCE_DIR, "data"), "-o", out, timeout=600)
        self.assertExit(run, 0, "model build from the source data/")
        self.assertTrue(os.path.isfile(out) and os.path.getsize(out) > 0, f"no model written\n{run.describe()}")
        self.assertFalse(os.path.exists(out + ".tmp"), "model build left its temporary file behind")
        inputs = [self.example_input(), self.write("call.txt", CALL), self.write("u.txt", UNICODE_DOC)]
        default = self.tocsin("code", *inputs)
        built = self.tocsin("code", *inputs, "--model", out)
        self.assertEqual(built.returncode, default.returncode, built.describe())
        self.assertTrue(self.events(default), default.describe())
        self.assertEqual(built.stdout_bytes, default.stdout_bytes,
                         "a model built from data/ codes differently from the default model beside the binary")

    def test_damaged_model_files_are_refused(self):
        good = self.default_model()
        self.assertGreater(len(good), 64)
        doc = self.write("a.txt", ARREST)
        cases = {
            "wrong-magic.model": (b"XXXXXXXX" + good[8:], ("magic", "not a Tocsin model")),
            "not-a-model.model": (b"just some text, not a model\n" * 10, ("magic", "not a Tocsin model")),
            "empty.model": (b"", ("magic", "not a Tocsin model", "truncated", "empty")),
            "half.model": (good[: len(good) // 2], ("truncated",)),
            "last-byte-cut.model": (good[:-1], ("truncated",)),
            "middle-cut.model": (good[: len(good) // 2] + good[-16:], ("truncated", "damaged", "corrupt")),
        }
        for name, (data, reasons) in cases.items():
            with self.subTest(model=name):
                p = self.write(name, data)
                run = self.tocsin("code", doc, "--model", p)
                self.assertExit(run, 2, f"{name} is not a usable model")
                self.assertEqual(run.stdout, "", f"events were coded with a damaged model\n{run.describe()}")
                self.assertIn(name, run.stderr, f"the message does not name the model file\n{run.describe()}")
                self.assertTrue(any(r in run.stderr for r in reasons),
                                f"the message does not say what is wrong (expected one of {reasons})\n"
                                f"{run.describe()}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: cli_test.py PATH/TO/tocsin SOURCE_DIR")
    TOCSIN = os.path.abspath(sys.argv[1])
    SOURCE_DIR = os.path.abspath(sys.argv[2])
    if not os.access(TOCSIN, os.X_OK):
        sys.exit(f"cli_test.py: `{TOCSIN}` is not an executable tocsin binary")
    unittest.main(argv=[sys.argv[0]], verbosity=2)
