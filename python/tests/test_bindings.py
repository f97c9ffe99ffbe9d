"""The Python bindings as a user meets them (doc/python.md).

Run by ctest (python_bindings) with PYTHONPATH=<build>/python, TOCSIN_CLI (the `tocsin` binary) and
TOCSIN_SOURCE_DIR set; the PostgreSQL case needs TOCSIN_TEST_PG_URL (scripts/with-postgres) and skips
without it (conftest.py).
"""

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

import tocsin

SOURCE = Path(os.environ.get("TOCSIN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
EXAMPLES = SOURCE / "examples" / "input.jsonl"
CLI = os.environ.get("TOCSIN_CLI")

OSH = "Police detained 40 protesters in Osh on Monday. The opposition urged them to release the students."


@pytest.fixture(scope="module")
def model():
    return tocsin.Model()


@pytest.fixture(scope="module")
def records():
    return [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def cli(*args, stdin=None):
    if not CLI:
        pytest.skip("TOCSIN_CLI is not set (ctest sets it to the build's tocsin binary)")
    run = subprocess.run([CLI, *map(str, args)], input=stdin, capture_output=True, check=False)
    assert run.returncode in (0, 1), run.stderr.decode()
    return [json.loads(line) for line in run.stdout.decode().splitlines() if line.strip()]


# ---- Coding ----------------------------------------------------------------------------------------------


def test_default_model_is_found_from_the_build_tree(model):
    assert Path(model.path).is_file()
    assert "en" in model.languages
    assert model.format_version > 0


def test_missing_model_is_a_file_not_found_error():
    with pytest.raises(FileNotFoundError, match="no model at"):
        tocsin.Model("/nonexistent/tocsin.model")
    with pytest.raises(tocsin.NotFound):
        tocsin.Model("/nonexistent/tocsin.model")


def test_examples_equal_the_cli_record_for_record(model):
    expected = cli("code", EXAMPLES)
    records = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    got = model.code(records)
    assert len(got) == len(expected) > 50
    for g, e in zip(got, expected):
        assert g == e
    assert got.errors == []


@pytest.mark.parametrize("explain", [False, True])
def test_dicts_equal_the_json_records_field_for_field(model, records, explain):
    # The dicts are built directly in C++; the JSON path (AppendEventJson) is the reference, key order too.
    reference = [json.loads(r) for r in model._events_json(records, explain=explain)]
    got = model.code(records, explain=explain)
    assert got == reference
    assert [list(e) for e in got] == [list(e) for e in reference]
    assert [type(e["confidence"]) for e in got] == [type(e["confidence"]) for e in reference]


@pytest.mark.parametrize("flags, kwargs", [
    (["--explain"], {"explain": True}),
    (["--asserted-only"], {"asserted_only": True}),
    (["--stories"], {"stories": True}),
])
def test_options_equal_the_cli(model, records, flags, kwargs):
    assert model.code(records, **kwargs) == cli("code", EXAMPLES, *flags)


def test_a_str_is_one_document_with_id_0(model):
    events = model.code(OSH)
    assert [e["type"] for e in events][:2] == ["COERCE", "REQUEST"]
    assert {e["doc"] for e in events} == {"0"}
    arrest = events[0]
    assert arrest["arrested"]["value"] == 40
    assert arrest["place"]["name"] == "Osh"


def test_a_list_of_str_gets_ids_by_position(model):
    events = model.code(["Nothing happened here.", OSH])
    assert {e["doc"] for e in events} == {"1"}


def test_dict_record_equals_the_cli_on_the_same_record(model):
    record = {"id": "r1", "published": "2024-05-08", "text": OSH, "url": "https://example.org/a",
              "source": "Example", "title": "A title"}
    expected = cli("code", "-", stdin=(json.dumps(record) + "\n").encode())
    assert model.code(record) == expected
    assert model.code([record]) == expected
    assert model.code(iter([record])) == expected
    assert expected[0]["date"]["value"] == "2024-05-06"


def test_html_record_and_id_text_pairs(model):
    html = {"id": "h", "html": f"<html><body><nav>Home | News</nav><p>{OSH}</p></body></html>"}
    assert [e["type"] for e in model.code(html)] == [e["type"] for e in model.code(OSH)]
    assert {e["doc"] for e in model.code([("a", OSH), ("b", OSH)])} == {"a", "b"}


def test_threads_give_the_same_events_in_the_same_order(model, records):
    many = [dict(r, id=f"{r['id']}-{k}") for k in range(8) for r in records]
    one = model.code(many)
    assert model.code(many, threads=2) == one
    assert model.code(many, threads=7) == one


def test_a_long_call_equals_its_inputs_coded_one_by_one(model, records):
    # Past 64 inputs, records are built while the rest is still being coded on other threads: the order,
    # the events and the per-input errors must be those of coding each input on its own.
    items = []
    for k in range(30):
        items += [dict(r, id=f"{r['id']}-{k}") for r in records]
        items.append({"text": OSH})  # no id: refused
    expected = [e for item in items for e in model.code(item)]
    refused = {i for i, item in enumerate(items) if "id" not in item}
    for threads in (1, 3):
        got = model.code(items, threads=threads)
        assert len(got) > 1000 and got == expected
        assert {(e["index"], e["coded"]) for e in got.errors} == {(i, False) for i in refused}
    documents = model.code_documents(items, threads=2)
    assert [d["ok"] for d in documents] == [i not in refused for i in range(len(items))]
    assert [e for d in documents for e in d["events"]] == expected


def test_the_garbage_collector_is_left_as_it_was_found(model, records):
    # Building the event dicts leaves Python's collector as it was: on, or off when the caller turned it off.
    import gc
    assert gc.isenabled()
    first = model.code(records)
    assert gc.isenabled()
    gc.disable()
    try:
        assert model.code(records) == first
        assert not gc.isenabled()
    finally:
        gc.enable()
    # The short codes are shared str objects; each event still has its own dicts.
    again = model.code(records)
    assert again == first and all(a is not b for a, b in zip(again, first))


def test_event_records_are_left_out_of_the_collector(model, records):
    # The records hold no cycles; tracked, they cost one walk of every container when the call returns (a
    # sixth of model.code). A dict given a container later is tracked again by CPython.
    import gc
    events = model.code(records)
    with_actor = next(e for e in events if e["source"])
    for obj in (with_actor, with_actor["source"], with_actor["source"][0], with_actor["source"][0]["span"],
                with_actor["trigger"], with_actor["trigger"]["span"], with_actor["sentence"], with_actor["context"]):
        assert not gc.is_tracked(obj), obj
    with_actor["mine"] = []
    assert gc.is_tracked(with_actor)
    assert [d["ok"] for d in model.code_documents(records)] == [True] * len(records)


def test_a_model_is_shared_by_python_threads(model, records):
    expected = model.code(records)
    results = [None] * 4

    def work(i):
        results[i] = model.code(records)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_bad_inputs_are_reported_and_do_not_lose_the_others(model):
    good = {"id": "good", "text": OSH}
    items = [
        {"text": OSH},                                       # no id
        {"id": "empty"},                                     # no text
        good,
        {"id": "latin1", "text": b"Police detained 3 in Osh \xe9\xff. " + OSH.encode()},  # invalid UTF-8
        {"id": "binary", "text": bytes(range(256)) * 64},    # binary
        42,                                                  # not an input at all
        OSH.encode() + b"\xc3",                              # bytes, truncated UTF-8
    ]
    events = model.code(items)
    by_doc = {e["doc"] for e in events}
    assert {"good", "latin1", "6"} <= by_doc
    assert [e for e in events if e["doc"] == "good"] == model.code(good)
    errors = {(e["index"], e["coded"]) for e in events.errors}
    assert (0, False) in errors and (1, False) in errors and (5, False) in errors
    assert (3, True) in errors and (6, True) in errors            # repaired, still coded
    binary = [e for e in events.errors if e["index"] == 4]
    assert binary and not binary[0]["coded"] and binary[0]["id"] == "binary"
    assert "item 1 (id empty)" in next(e["message"] for e in events.errors if e["index"] == 1)
    assert "invalid UTF-8" in next(e["message"] for e in events.errors if e["index"] == 3)


def test_surrogateescaped_str_is_repaired_like_bytes(model):
    text = (b"Police detained 3 in Osh \xff.").decode("utf-8", "surrogateescape")
    events = model.code(text)
    assert events and events.errors and events.errors[0]["coded"]


def test_code_documents_gives_one_record_per_input(model):
    docs = model.code_documents([OSH, {"id": "x"}, "Le gouvernement a arrêté 12 manifestants à Paris."])
    assert [d["index"] for d in docs] == [0, 1, 2]
    assert docs[0]["ok"] and docs[0]["lang"] == "en" and docs[0]["events"]
    assert not docs[1]["ok"] and docs[1]["errors"] and docs[1]["events"] == []
    assert docs[2]["lang"] == "fr"


def test_bad_arguments_raise_value_error(model):
    with pytest.raises(ValueError):
        model.code(OSH, threads=0)
    with pytest.raises(ValueError):
        model.code(OSH, stories="yes")


def test_story_index_goes_on_across_calls(model, records, tmp_path):
    index = tocsin.StoryIndex()
    first = model.code(records[:3], stories=index)
    second = model.code(records[3:], stories=index)
    assert first + second == model.code(records, stories=True)
    assert len(index) == len(index.records()) > 0
    index.save(str(tmp_path / "stories.json"))
    assert len(tocsin.StoryIndex.load(str(tmp_path / "stories.json"))) == len(index)


# ---- DataFrames ------------------------------------------------------------------------------------------


def test_events_frame_columns_and_types(model, records):
    pd = pytest.importorskip("pandas")
    events = model.code(records)
    frame = tocsin.events_frame(events)
    assert list(frame.columns) == tocsin.EVENT_COLUMNS
    for column in ["id", "doc", "type", "mode", "modality", "source", "source_country", "target",
                   "target_country", "place", "place_country", "lat", "lon", "date", "dead", "injured",
                   "arrested", "size", "story", "group", "sentence"]:
        assert column in frame.columns
    assert len(frame) == len(events)
    assert list(frame["id"]) == [e["id"] for e in events]
    for column in ["dead", "injured", "arrested", "size", "geonames"]:
        assert str(frame[column].dtype) == "Int64"
    for column in ["lat", "lon", "confidence"]:
        assert frame[column].dtype == "float64"
    assert frame["dead"].sum() == sum(e["dead"]["value"] for e in events if e["dead"])
    first = events[0]
    assert frame.loc[0, "place"] == first["place"]["name"]
    assert frame.loc[0, "sentence"] == first["sentence"]["text"]
    empty = tocsin.events_frame([])
    assert list(empty.columns) == tocsin.EVENT_COLUMNS and len(empty) == 0
    coded = model.code_frame([OSH, {"id": "x"}])
    assert isinstance(coded, pd.DataFrame) and len(coded) > 0 and coded.attrs["errors"]


# ---- Store -----------------------------------------------------------------------------------------------


def store_round_trip(url, model, records):
    # What the CLI stores, for comparison: `tocsin code --db` into a store of its own.
    with tocsin.Store(url) as store:
        put = store.put(records, model)
        assert put.errors == []
        assert len(put) > 50 and all(e.get("story") for e in put if e["modality"] == "asserted")
        counts = store.counts()
        assert counts["documents"] == len(records)
        assert counts["events"] == len(put)
        assert counts["stories"] > 0
        # Putting the same documents again replaces them: no duplicate.
        put = store.put(records, model)
        assert store.counts() == counts

        page = store.events(limit=10)
        assert len(page) == 10 and page.total == len(put) and page.total_exact
        stored = {e["id"]: e for e in store.scan()}
        assert stored == {e["id"]: e for e in put}
        one = put[0]
        assert store.event(one["id"]) == one

        kgz = store.events(country="kgz", limit=1000)
        assert kgz and all(e["place"]["country"] == "KGZ" for e in kgz)
        protests = store.events(category=["PROTEST"], modality="asserted", limit=1000)
        assert protests and all(e["type"] == "PROTEST" and e["modality"] == "asserted" for e in protests)
        assert store.events(**{"from": "2000-01-01", "to": "2100-01-01"}, limit=1).total == len(put)

        by_category = store.aggregate("category")
        assert sum(r["events"] for r in by_category) == len(put)
        split = store.aggregate("country", split="modality")
        assert split and all("split" in r for r in split)
        assert store.document(records[0]["id"])["id"] == records[0]["id"]
        assert store.documents(limit=100).total == len(records)
        assert store.stories(limit=5)

        with pytest.raises(KeyError):
            store.event("no-such-event#1")
        with pytest.raises(ValueError, match="category"):
            store.events(category="RIOTING")
        with pytest.raises(ValueError):
            store.events(**{"from": "yesterday"})
        with pytest.raises(ValueError, match="unknown filter"):
            store.events(colour="red")
        with pytest.raises(ValueError):
            store.events(limit=0)
        with pytest.raises(ValueError):
            store.aggregate("planet")

        # A refused record with an id is stored with its error; the others are stored.
        bad = store.put([{"id": "no-text"}, {"id": "fine", "text": OSH}], model)
        assert [e["index"] for e in bad.errors] == [0]
        assert store.document("no-text")["errors"]
        assert {e["doc"] for e in bad} == {"fine"}

        # code(..., store=) is put().
        via_code = model.code({"id": "via-code", "text": OSH}, store=store)
        assert via_code and store.events(doc="via-code", limit=100).total == len(via_code)
    with pytest.raises(tocsin.Error, match="closed"):
        store.counts()


def test_store_round_trip_on_sqlite(model, records, tmp_path):
    store_round_trip(str(tmp_path / "events.db"), model, records)


def test_store_equals_cli_store_on_sqlite(model, records, tmp_path):
    if not CLI:
        pytest.skip("TOCSIN_CLI is not set")
    cli_db, py_db = tmp_path / "cli.db", tmp_path / "py.db"
    subprocess.run([CLI, "code", str(EXAMPLES), "--db", str(cli_db)], check=True, capture_output=True)
    with tocsin.Store(str(py_db)) as store:
        store.put(records, model)
    with tocsin.Store(str(cli_db), read_only=True) as a, tocsin.Store(str(py_db), read_only=True) as b:
        assert a.scan() == b.scan()
        assert a.counts() == b.counts()


def test_store_round_trip_on_postgresql(model, records, pg_url):
    with tocsin.Store(pg_url) as store:
        assert store.backend == "postgresql"
    store_round_trip(pg_url, model, records)


def test_store_errors_are_python_exceptions(tmp_path):
    with pytest.raises(OSError):
        tocsin.Store(str(tmp_path / "missing" / "dir" / "events.db"))
    with pytest.raises(tocsin.Error):
        tocsin.Store(str(tmp_path / "absent.db"), read_only=True)
