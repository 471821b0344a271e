"""A gunicorn config for the benches: the repository's hooks, plus a record of every
garbage collection in the worker (when, which generation, how long), written as JSON
lines to $RELAY_GC_PROBE when the worker exits.

    gunicorn -c python:bench.gc_probe ...   (RELAY_WORKER_HOOKS=off: skip the repository's)
"""

from __future__ import annotations

import gc
import json
import os
import runpy
import time
from pathlib import Path

_hooks = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
_pauses: list[tuple[float, int, float]] = []  # (wall-clock start, generation, seconds)
_started: list[float] = [0.0, 0.0]


def _record(phase: str, info: dict) -> None:
    if phase == "start":
        _started[:] = [time.time(), time.perf_counter()]
    else:
        _pauses.append((_started[0], info["generation"], time.perf_counter() - _started[1]))


def post_worker_init(worker) -> None:
    if os.environ.get("RELAY_WORKER_HOOKS") != "off":
        _hooks["post_worker_init"](worker)
    gc.callbacks.append(_record)


def worker_exit(server, worker) -> None:
    with open(os.environ["RELAY_GC_PROBE"], "a", encoding="utf-8") as out:
        out.writelines(json.dumps(pause) + "\n" for pause in _pauses)
