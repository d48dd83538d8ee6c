"""Modules are independent: a run over many shares them among worker processes.

The results come back in the order of the jobs, whatever order the workers finish in, so a run
with workers prints exactly what a run without them prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

# Below this much Terraform a worker's start-up (~30 ms) costs more than it saves.
MIN_BYTES_FOR_WORKERS = 200_000
# Runs of neighbouring modules handed to each worker (see ``_batches``).
BATCHES_PER_WORKER = 16

R = TypeVar("R")


class Job(Protocol):
    @property
    def size(self) -> int: ...


J = TypeVar("J", bound=Job)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_jobs(function: Callable[[J], R], jobs: Sequence[J], workers: int) -> Iterator[R]:
    """``function`` over ``jobs``, in order; in up to ``workers`` processes when that pays."""
    workers = min(workers, len(jobs))
    if workers < 2 or sum(job.size for job in jobs) < MIN_BYTES_FOR_WORKERS:
        yield from map(function, jobs)
        return
    from concurrent.futures import ProcessPoolExecutor  # here: most runs need no workers
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        batches = _batches(jobs, workers)
        futures = [pool.submit(_run_batch, function, [jobs[i] for i in batch]) for batch in batches]
        batch_of = {i: number for number, batch in enumerate(batches) for i in batch}
        results: dict[int, R] = {}
        for i in range(len(jobs)):  # in order, each as soon as its batch is done
            if i not in results:
                batch = batches[batch_of[i]]
                try:
                    results.update(zip(batch, futures[batch_of[i]].result(), strict=True))
                except BrokenProcessPool:  # a worker died (killed, out of memory): go on here
                    results.update((j, function(jobs[j])) for j in batch)
            yield results.pop(i)


def _batches(jobs: Sequence[J], workers: int) -> list[list[int]]:
    """The jobs' indices cut into runs of neighbours, the biggest run first.

    Jobs come in folder order, so a run holds a module with its children and callers, whose
    files and plans the worker has just read; about ``BATCHES_PER_WORKER`` runs per worker keep
    the workers busy to the end, and the biggest start first so none finishes alone.
    """
    limit = sum(job.size for job in jobs) / (BATCHES_PER_WORKER * workers)
    batches: list[list[int]] = [[]]
    size = 0
    for i, job in enumerate(jobs):
        if size >= limit:
            batches.append([])
            size = 0
        batches[-1].append(i)
        size += job.size
    return sorted(batches, key=lambda batch: -sum(jobs[i].size for i in batch))


def _run_batch(function: Callable[[J], R], jobs: list[J]) -> list[R]:
    return [function(job) for job in jobs]


def _context():
    """Fork where the platform has it: a worker starts with terrafix already imported."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)
