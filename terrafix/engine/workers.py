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
        # The biggest modules start first so one of them does not finish alone at the end.
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i].size)
        futures = {i: pool.submit(function, jobs[i]) for i in order}
        for i in range(len(jobs)):
            try:
                yield futures[i].result()
            except BrokenProcessPool:  # a worker died (killed, out of memory): go on here
                yield from map(function, jobs[i:])
                return


def _context():
    """Fork where the platform has it: a worker starts with terrafix already imported."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)
