"""Scale-out on Dask distributed: a local scheduler and two worker processes on loopback code a corpus
partitioned across them through the bindings, write into PostgreSQL, and the store then holds exactly the
events of a single-process run, event for event.

Needs python3-distributed, python3-psycopg2 and TOCSIN_TEST_PG_URL (scripts/with-postgres); skips with a
reason without them. Stories are compared apart: see tocsin/dask.py (one ordered pass, not assigned there).
"""

import json
import os
import random
from pathlib import Path

import pytest

import tocsin
import tocsin.dask

SOURCE = Path(os.environ.get("TOCSIN_SOURCE_DIR", Path(__file__).resolve().parents[2]))

AGENTS = ["Riot police", "Security forces", "Protesters", "Striking miners", "The opposition", "Soldiers",
          "Students", "Farmers", "The interior ministry", "Dock workers"]
ACTIONS = ["detained {n} protesters", "fired tear gas at {n} demonstrators", "marched against fuel prices",
           "blocked the main road", "called for the release of {n} activists", "killed {n} people",
           "clashed with police, injuring {n}", "rallied outside parliament", "threatened to strike",
           "agreed to talks with the government"]
PLACES = ["Almaty", "Bishkek", "Osh", "Tashkent", "Karaganda", "Dushanbe", "Astana", "Nairobi", "Lima",
          "Marseille"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday"]


def corpus():
    """The five examples and 200 generated short reports (deterministic)."""
    examples = [json.loads(line) for line in (SOURCE / "examples" / "input.jsonl").read_text(encoding="utf-8")
                .splitlines() if line.strip()]
    rng = random.Random(20240508)
    reports = []
    for k in range(200):
        sentences = []
        for _ in range(rng.randint(1, 3)):
            action = rng.choice(ACTIONS).format(n=rng.randint(2, 300))
            sentences.append(f"{rng.choice(AGENTS)} {action} in {rng.choice(PLACES)} {rng.choice(DAYS)}.")
        reports.append({"id": f"gen-{k:03d}", "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "text": " ".join(sentences)})
    return examples + reports


def without_story(events):
    return sorted(({k: v for k, v in e.items() if k != "story"} for e in events), key=lambda e: e["id"])


def test_dask_cluster_equals_single_process(pg_url):
    distributed = pytest.importorskip("distributed", reason="python3-distributed is not installed")
    records = corpus()
    model = tocsin.Model()
    single = model.code(records)
    assert single.errors == [] and len(single) > 200

    # Two partitions of unequal size, interleaved, so that each worker has documents from everywhere.
    partitions = [records[0::3] + records[2::3], records[1::3]]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        # Each partition on its own worker.
        workers = list(client.scheduler_info()["workers"])
        tocsin.dask.prepare_store(pg_url)
        futures = [client.submit(tocsin.dask.code_partition, p, store_url=pg_url, pure=False, workers=[w],
                                 allow_other_workers=False) for p, w in zip(partitions, workers)]
        results = client.gather(futures)
        pids = client.run(os.getpid)
        assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()

        # The recipe's helper too: any number of partitions, events back in partition order.
        chunks = [records[i:i + 40] for i in range(0, len(records), 40)]
        again = tocsin.dask.code_partitions(client, chunks, store_url=pg_url)
        assert list(again) == list(single)  # no stories either way: equal, in input order
        assert again.errors == []

    returned = [e for r in results for e in r["events"]]
    assert all(r["errors"] == [] for r in results)
    assert without_story(returned) == without_story(single)

    with tocsin.Store(pg_url, read_only=True) as store:
        assert store.backend == "postgresql"
        counts = store.counts()
        assert counts["documents"] == len(records)
        assert counts["events"] == len(single)
        stored = store.scan()
    assert without_story(stored) == without_story(single)
    # The store's events are the single run's, field for field; only stories are left to an ordered pass.
    assert all(not e.get("story") for e in stored)
