"""Coding a corpus on a Dask cluster (Debian python3-distributed): the recipe of doc/python.md as code.

    from distributed import Client
    import tocsin.dask
    client = Client("tcp://scheduler:8786")              # or LocalCluster(...)
    partitions = [records[i::8] for i in range(8)]        # any split; lists of inputs as Model.code takes
    events = tocsin.dask.code_partitions(client, partitions, store_url="postgresql://...")

or with a dask.bag: `tocsin.dask.code_bag(bag, store_url=...)` gives a bag of events.

Each worker process loads the model once (a per-process cache keyed by path) and keeps one store
connection per URL; every partition is coded with Model.code and, with `store_url`, written in one
transaction per partition (Store.put). The events come back in partition order, then input order: the
same list, event for event, as one `model.code(all records)` in one process.

Stories are not assigned: a story index is one ordered pass over all documents (StoryIndex.Add in input
order), which independent workers writing at the same time cannot make. Code with stories single-process
(`tocsin code --db URL` or `Store.put(..., stories=True)`) when they are needed.

The model file must be readable at the same path on every worker (`model_path`, default: where
tocsin.Model() finds it on each worker).
"""

from __future__ import annotations

import threading
from itertools import chain
from typing import Iterable, List, Optional

import tocsin

_lock = threading.Lock()
_models: dict = {}
_stores: dict = {}


def model(path: Optional[str] = None) -> tocsin.Model:
    """This process's Model for `path` (None: the default), loaded at the first call."""
    with _lock:
        m = _models.get(path)
        if m is None:
            m = _models[path] = tocsin.Model(path)
        return m


def store(url: str) -> tocsin.Store:
    """This process's connection to the store at `url`, opened at the first call (calls share it and
    take turns)."""
    with _lock:
        s = _stores.get(url)
        if s is None:
            s = _stores[url] = tocsin.Store(url)
        return s


def code_partition(items, model_path: Optional[str] = None, store_url: Optional[str] = None,
                   asserted_only: bool = False, explain: bool = False) -> dict:
    """Codes one partition on this process (a Dask task): {"events": [...], "errors": [...]}.

    With `store_url` the documents and events are also stored, in one transaction, without stories.
    """
    items = list(items)
    m = model(model_path)
    if store_url:
        events = store(store_url).put(items, m, asserted_only=asserted_only, explain=explain, stories=False)
    else:
        events = m.code(items, asserted_only=asserted_only, explain=explain)
    return {"events": list(events), "errors": events.errors}


def prepare_store(store_url: str) -> None:
    """Creates or migrates the store's schema once, before workers write to it at the same time."""
    with tocsin.Store(store_url):
        pass


def code_partitions(client, partitions: Iterable, model_path: Optional[str] = None,
                    store_url: Optional[str] = None, asserted_only: bool = False,
                    explain: bool = False) -> tocsin.Events:
    """Codes each partition (a list of inputs) as one task on the cluster of `client` and returns every
    event, in partition order then input order, as a tocsin.Events whose errors carry "partition"."""
    partitions = [list(p) for p in partitions]
    if store_url:
        prepare_store(store_url)
    futures = client.map(code_partition, partitions, model_path=model_path, store_url=store_url,
                         asserted_only=asserted_only, explain=explain, pure=False)
    results = client.gather(futures)
    errors = []
    for k, r in enumerate(results):
        errors.extend(dict(e, partition=k) for e in r["errors"])
    return tocsin.Events(chain.from_iterable(r["events"] for r in results), errors)


def code_bag(bag, model_path: Optional[str] = None, store_url: Optional[str] = None,
             asserted_only: bool = False, explain: bool = False):
    """A dask.bag of inputs → a dask.bag of event dicts (lazy: call .compute()), partition by partition.
    Per-input errors are dropped here; use code_partitions to see them."""
    if store_url:
        prepare_store(store_url)

    def run(items) -> List[dict]:
        return code_partition(items, model_path, store_url, asserted_only, explain)["events"]

    return bag.map_partitions(run)
