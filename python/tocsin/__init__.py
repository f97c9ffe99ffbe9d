"""Tocsin from Python: code reports of political unrest into events, query an event store.

    import tocsin
    model = tocsin.Model()                      # the build's or installed tocsin.model, or Model(path)
    events = model.code("Riot police detained 40 protesters in Almaty on Monday.")
    events[0]["type"], events[0]["arrested"]["value"]      # ('COERCE', 40)
    frame = model.code_frame(records, threads=4)            # a pandas DataFrame, one row per event

Events are the FORMAT.md records, exactly those `tocsin code` writes, as dicts. Inputs are a str (one
document, id "0"), bytes (raw, possibly not UTF-8: repaired and reported like the CLI does), a dict input
record (FORMAT.md: id, text or html, published, lang, url, source, title), an (id, text) pair, or an
iterable of these (a list of str gets ids "0", "1", ... by position).

A bad input never costs the others: `code()` returns an `Events` list whose `.errors` names each problem
with the input's position and id, and whether the document was still coded (repaired bytes) or refused
(no id, no text, binary). `code_documents()` gives one record per input instead, with its events and
errors. Errors of the call itself (bad arguments, a store that refuses) raise `tocsin.Error` subclasses:
`InvalidArgument` (a ValueError), `NotFound` (a KeyError), `IoError` (an OSError), `ModelNotFound`
(a FileNotFoundError), `Corrupt`, `TooLarge`, `Unsupported`, `Internal`.

Thread safety: a Model is immutable and may be shared by threads (coding releases the GIL); a Store is one
connection, used by one call at a time (calls from several threads wait for each other).
See doc/python.md.
"""

from __future__ import annotations

import json as _json
from itertools import chain as _chain
from typing import Any, Iterable, Optional, Union

from . import _tocsin
from ._tocsin import (Corrupt, Error, Internal, InvalidArgument, IoError, ModelNotFound, NotFound, TooLarge,
                      Unsupported, default_model_paths)

__all__ = [
    "Model", "Store", "StoryIndex", "Events", "events_frame", "default_model_paths", "EVENT_COLUMNS",
    "Error", "InvalidArgument", "NotFound", "ModelNotFound", "Corrupt", "TooLarge", "IoError", "Unsupported",
    "Internal",
]

_loads = _json.loads


class Events(list):
    """A list of event dicts (FORMAT.md records, in input order) with the problems met on the way.

    `errors` is a list of dicts {"index", "id", "message", "coded"}: `index` is the input's position in
    the call, `id` its id ("" when it had none), `coded` False when the document was refused (no events)
    and True when it was coded after a repair (invalid UTF-8 replaced, a limit hit).
    """

    __slots__ = ("errors",)

    def __init__(self, events=(), errors=()):
        super().__init__(events)
        self.errors = list(errors)


def _errors(raw):
    return [{"index": i, "id": d, "message": m, "coded": c} for i, d, m, c in raw]


def _stories_arg(stories):
    if stories is None or stories is False:
        return None
    if stories is True:
        return StoryIndex()
    if isinstance(stories, _tocsin.StoryIndex):
        return stories
    raise InvalidArgument("stories must be True, False or a tocsin.StoryIndex")


class StoryIndex(_tocsin.StoryIndex):
    """Stories across documents and calls: `model.code(batch, stories=index)` adds to it in input order.

    StoryIndex(path=None, threshold=5.0, max_days=14): with a path, the stories file written by save(path)
    or by `tocsin code --stories-file`. `records()` lists the stories (doc/stories.md fields).
    """

    @classmethod
    def load(cls, path: str, threshold: float = 5.0, max_days: int = 14) -> "StoryIndex":
        return cls(path, threshold, max_days)

    def records(self) -> list:
        return [_loads(r) for r in self._records()]


class Model(_tocsin.Model):
    """A compiled model, loaded once: Model(path=None).

    Without a path: $TOCSIN_MODEL, then tocsin.model beside the module and up to the build tree, then the
    installed share/tocsin/tocsin.model, then the model of the build that compiled the module
    (`tocsin.default_model_paths()`). Raises ModelNotFound, Corrupt or Unsupported (rebuild the model).
    Share one Model between threads; each call leases its own workers.
    """

    def _run(self, items, threads, explain, asserted_only, stories, store, store_stories):
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise InvalidArgument(f"threads must be a positive integer, not {threads!r}")
        return self._code(items, threads, explain, asserted_only, _stories_arg(stories), store, store_stories)

    def code(self, items, threads: int = 1, explain: bool = False, asserted_only: bool = False,
             stories: Union[bool, StoryIndex] = False, store: Optional["Store"] = None) -> Events:
        """Codes the inputs and returns their events, in input order, as an `Events` list of dicts.

        threads: workers coding in parallel (the order of the events does not depend on it).
        explain: add each event's "explain" array (the lexicon lines and rules behind it).
        asserted_only: drop requested, negated, promised, ... events (only what happened).
        stories: True gives the events of this call stories (`tocsin code --stories`); a StoryIndex goes on
            from earlier calls. The store keeps its own stories: with `store`, see Store.put.
        store: also write the documents and events into this Store (as Store.put(items, model, ...)).
        Per-input problems are in the result's `.errors`; nothing raises for one bad input.
        """
        if store is not None:
            return store.put(items, self, threads=threads, explain=explain, asserted_only=asserted_only,
                             stories=bool(stories))
        per_doc, errors, _ = self._run(items, threads, explain, asserted_only, stories, None, False)
        return Events(_chain.from_iterable(per_doc), _errors(errors))

    def code_documents(self, items, threads: int = 1, explain: bool = False, asserted_only: bool = False,
                       stories: Union[bool, StoryIndex] = False) -> list:
        """Like code(), but one dict per input, in input order:
        {"index", "id", "lang", "ok", "errors": [message, ...], "notes": [...], "events": [...]}.
        `ok` is False when the input was refused (no id, no text, binary, too large)."""
        per_doc, errors, docs = self._run(items, threads, explain, asserted_only, stories, None, False)
        out = [{"index": i, "id": d, "lang": lang, "ok": True, "errors": [], "notes": list(notes), "events": ev}
               for i, ((d, lang, notes), ev) in enumerate(zip(docs, per_doc))]
        for i, _, message, coded in errors:
            out[i]["errors"].append(message)
            out[i]["ok"] = out[i]["ok"] and coded
        return out

    def code_frame(self, items, threads: int = 1, asserted_only: bool = False,
                   stories: Union[bool, StoryIndex] = False):
        """code() as a pandas DataFrame (see events_frame); the errors are in `frame.attrs["errors"]`."""
        events = self.code(items, threads=threads, asserted_only=asserted_only, stories=stories)
        frame = events_frame(events)
        frame.attrs["errors"] = events.errors
        return frame

    def __repr__(self):
        return f"tocsin.Model({self.path!r})"


class Page(list):
    """A page of records (dicts) with `total` matching rows: exact, or at least that many when
    `total_exact` is False (beyond 10,000)."""

    __slots__ = ("total", "total_exact")

    def __init__(self, records, total, total_exact):
        super().__init__(records)
        self.total = total
        self.total_exact = total_exact


def _page(raw) -> Page:
    records, total, exact = raw
    return Page([_loads(r) for r in records], total, exact)


class Store(_tocsin.Store):
    """An event store: Store(url, read_only=False). A SQLite file path ("sqlite:" prefix optional; created
    when missing) or a PostgreSQL URL ("postgresql://...") or libpq "key=value" string. Schema and
    migrations as for `tocsin code --db` (doc/store.md). Use as a context manager to close it.

    Filters (keywords of events, aggregate, documents, stories, scan), as `tocsin query` and the API:
      from_ / to ("YYYY-MM-DD", inclusive; `**{"from": ...}` works too), country (ISO3; a str "KGZ,UZB"
      or a list), admin1, category (PLOVER, str or list), mode, modality (str or list), actor (a name
      substring or a code "KGZ", "KGZ/COP", "/PRO"), text (in the sentence), story, doc.
    A bad filter value or an unknown filter raises InvalidArgument (a ValueError).
    """

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def put(self, items, model: Model, threads: int = 1, explain: bool = False, asserted_only: bool = False,
            stories: bool = True) -> Events:
        """Codes the inputs with `model` and stores documents and events, in one transaction, in input
        order; returns the events as stored (with their "story"). A document already stored is replaced
        (re-coding never duplicates). A refused input with an id is stored with its error and no events,
        and reported in `.errors`. If the store refuses, nothing of the call is stored and it raises.

        stories: give the events stories, going on from those kept in the store: each call is what one
        `tocsin code --db` run does (it reads the stories, adds the documents in input order, writes the
        stories it changed). Only one writer at a time should assign stories; several writers at once
        (tocsin.dask) pass stories=False.
        """
        per_doc, errors, _ = model._run(items, threads, explain, asserted_only, None, self, bool(stories))
        return Events(_chain.from_iterable(per_doc), _errors(errors))

    def events(self, limit: int = 50, offset: int = 0, **filters) -> Page:
        """A page of event records (FORMAT.md, with "story"), newest first; limit 1..10000."""
        return _page(self._events(filters, limit, offset))

    def scan(self, limit: int = 0, **filters) -> list:
        """Every matching event record in date order (undated last); the first `limit` when above 0."""
        return [_loads(r) for r in self._scan(filters, limit)]

    def event(self, id: str) -> dict:
        """One event record by id ("<doc>#<n>"); KeyError (NotFound) when there is none."""
        return _loads(self._record("event", id))

    def document(self, id: str) -> dict:
        """The document record (FORMAT.md, with its text); KeyError (NotFound) when there is none."""
        return _loads(self._record("document", id))

    def documents(self, limit: int = 50, offset: int = 0, **filters) -> Page:
        """Document summaries {"id", "title", "url", "source", "published", "lang", "events"}."""
        return _page(self._documents(filters, limit, offset))

    def story(self, id: str) -> dict:
        return _loads(self._record("story", id))

    def stories(self, limit: int = 50, offset: int = 0, **filters) -> Page:
        """Story records, latest first (the filter's dates and countries apply)."""
        return _page(self._stories(filters, limit, offset))

    def aggregate(self, by: str = "day", split: Optional[str] = None, **filters) -> list:
        """Counts per `by` ("day", "week", "month", "country", "admin1", "category", "modality", "mode",
        "story"), optionally split by a second dimension: dicts {"key", "split"?, "events", "dead",
        "injured", "arrested"} (sums of asserted events' own figures)."""
        rows = self._aggregate(filters, by, split or "")
        out = []
        for key, sp, events, dead, injured, arrested in rows:
            row = {"key": key, "events": events, "dead": dead, "injured": injured, "arrested": arrested}
            if split:
                row["split"] = sp
            out.append(row)
        return out

    def counts(self) -> dict:
        """{"documents", "events", "stories"} stored."""
        documents, events, stories = self._counts()
        return {"documents": documents, "events": events, "stories": stories}

    def __repr__(self):
        return f"tocsin.Store({self.url!r})"


# ---- DataFrames ---------------------------------------------------------------------------------------------

#: The columns of events_frame, in order. Several actors on one side are joined with "; " (names and
#: countries aligned); counts are the event's own figure (pandas Int64, <NA> when not stated).
EVENT_COLUMNS = [
    "id", "doc", "lang", "type", "mode", "modality", "source", "source_country", "source_sector", "target",
    "target_country", "target_sector", "place", "place_country", "admin1", "lat", "lon", "geonames", "date",
    "date_precision", "dead", "injured", "arrested", "size", "group", "story", "cameo", "confidence",
    "trigger", "sentence",
]
_INT_COLUMNS = ["geonames", "dead", "injured", "arrested", "size"]
_FLOAT_COLUMNS = ["lat", "lon", "confidence"]


def _actors(actors, field):
    return "; ".join(a.get(field) or "" for a in actors) if actors else None


def _row(e: dict) -> tuple:
    place = e.get("place") or {}
    date = e.get("date") or {}
    source, target = e.get("source") or [], e.get("target") or []

    def count(name):
        c = e.get(name)
        return c["value"] if c else None

    return (
        e.get("id"), e.get("doc"), e.get("lang"), e.get("type"), e.get("mode") or None, e.get("modality"),
        _actors(source, "name"), _actors(source, "country"), _actors(source, "sector"),
        _actors(target, "name"), _actors(target, "country"), _actors(target, "sector"),
        place.get("name"), place.get("country"), place.get("admin1"), place.get("lat"), place.get("lon"),
        place.get("geonames") or None, date.get("value"), date.get("precision"),
        count("dead"), count("injured"), count("arrested"), count("size"),
        e.get("group"), e.get("story"), e.get("cameo"), e.get("confidence"),
        (e.get("trigger") or {}).get("text"), (e.get("sentence") or {}).get("text"),
    )


def events_frame(events: Iterable[dict]):
    """A pandas DataFrame with one row per event record and the flat columns of EVENT_COLUMNS.

    Strings are object columns (None when absent); geonames and the counts are nullable Int64; lat, lon
    and confidence float64 (NaN when absent); `date` stays a string because its precision varies
    ("2010-04-07", "2003-09", "1990"). pandas is imported on first use (Debian python3-pandas).
    """
    import pandas as pd

    frame = pd.DataFrame.from_records([_row(e) for e in events], columns=EVENT_COLUMNS)
    for c in _INT_COLUMNS:
        frame[c] = frame[c].astype("Int64")
    for c in _FLOAT_COLUMNS:
        frame[c] = frame[c].astype("float64")
    return frame
