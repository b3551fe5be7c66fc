"""`cityrdf serve` under load (benchmarks/load.py): many clients, runaway queries, no 5xx, no fork bomb."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from cityrdf.serve import Settings

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_STATUSES = {"200", "404"}  # 404: the mix asks for one resource that does not exist
EXPECTED_MEDIA = {
    "text/html",
    "text/turtle",
    "text/plain",
    "text/csv",
    "application/sparql-results+json",
}
MIX = {
    "index page",
    "missing resource",
    "ontology",
    "resource html",
    "resource turtle",
    "sparql GET csv",
    "sparql GET json",
    "sparql POST csv",
    "sparql POST json",
}
# the product of five copies of the graph: far more than a 2 s deadline allows
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def load():
    spec = importlib.util.spec_from_file_location("load_benchmark", ROOT / "benchmarks" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seconds", [10, pytest.param(60, marks=pytest.mark.slow)])
def test_fifty_clients_get_only_expected_answers_and_no_5xx(load, seconds):
    with load.local_server() as (url, pid):
        result = asyncio.run(load.run_load(url, clients=50, seconds=seconds, server_pid=pid))
    print(load.table(result))
    assert result["errors"] == 0, result["error_samples"]
    assert result["server_errors"] == 0
    assert set(result["statuses"]) <= EXPECTED_STATUSES, result["statuses"]
    assert set(result["media_types"]) <= EXPECTED_MEDIA, result["media_types"]
    assert set(result["by_kind"]) == MIX  # every kind of request was really made
    assert result["requests"] >= 100 and result["p99_ms"] < 30_000
    assert 1 <= result["peak_query_workers"] <= Settings().max_queries


def test_runaway_queries_are_capped_and_pages_still_answer(load):
    """More stuck queries than the server has worker threads: it runs at most max_queries processes,
    answers the rest 408 (deadline) or 503 (no slot in time), and keeps serving pages meanwhile."""
    with load.local_server("--timeout", "2") as (url, pid):
        peak, done = [0], threading.Event()

        def watch():
            while not done.is_set():
                peak[0] = max(peak[0], load.server_children(pid) or 0)
                time.sleep(0.02)

        async def storm() -> tuple[list[int], list[float]]:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                queries = [
                    asyncio.create_task(
                        client.get(
                            "/sparql", params={"query": RUNAWAY}, headers={"accept": "text/csv"}
                        )
                    )
                    for _ in range(45)
                ]
                await asyncio.sleep(0.5)  # the storm is on
                page_seconds = []
                for _ in range(3):
                    start = time.perf_counter()
                    page = await client.get("/id/city/tehran", headers={"accept": "text/turtle"})
                    assert page.status_code == 200
                    page_seconds.append(time.perf_counter() - start)
                return [r.status_code for r in await asyncio.gather(*queries)], page_seconds

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            statuses, page_seconds = asyncio.run(storm())
        finally:
            done.set()
            watcher.join()
        busy = httpx.get(
            url + "/sparql", params={"query": "ASK {}"}, headers={"accept": "application/json"}
        )
    assert set(statuses) <= {408, 503} and 408 in statuses, statuses
    assert 1 <= peak[0] <= Settings().max_queries
    assert max(page_seconds) < 1.5, page_seconds  # pages do not queue behind the stuck queries
    assert busy.status_code == 200  # and the slots are free again afterwards
