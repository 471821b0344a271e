"""Gunicorn settings for every Relay deployment (gunicorn reads ./gunicorn.conf.py itself;
flags on its command line, such as `-w 4`, still apply).

The worker hook below shortens the tail of request times; `bench/quiz_submit.py
--worker-hooks both` measures the server with and without it.
"""

import gc


def post_worker_init(worker) -> None:
    """Runs in each worker once it has loaded the app (worker.wsgi)."""
    # imported here: the master reads this file first
    from extensions import check_rate_limit_storage, db
    from sqlite_concurrency import checkpoint_in_background

    # Raising here stops gunicorn ("Worker failed to boot") with the reason in its log.
    check_rate_limit_storage(worker.wsgi.config, worker.cfg.workers)
    with worker.wsgi.app_context():
        checkpoint_in_background(db.engine)
    freeze_start_up_objects()


def freeze_start_up_objects() -> None:
    """Keep what start-up built out of the garbage collector's reach.

    A full collection walks every tracked object and holds the GIL, stalling every
    thread of the worker. After start-up (SQLAlchemy's mappers, Jinja, Babel, the
    question types...) that is about 120,000 objects, and each full collection took
    about 100 ms; frozen, they are skipped and it takes about 13 ms.
    """
    gc.collect()  # garbage frozen now would never be freed
    gc.freeze()
