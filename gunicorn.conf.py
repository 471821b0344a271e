"""Gunicorn settings for every Relay deployment (gunicorn reads ./gunicorn.conf.py itself;
flags on its command line, such as `-w 4`, still apply)."""

import gc


def post_worker_init(worker) -> None:  # type: ignore[no-untyped-def]
    """Freeze what start-up built, so the garbage collector stops rescanning it.

    A full collection walks every tracked object and holds the GIL, stalling every
    thread of the worker. After start-up (SQLAlchemy's mappers, Jinja, Babel, the
    question types...) that is about 120,000 objects, and each full collection took
    about 100 ms; frozen, they are skipped and it takes about 10 ms.
    `bench/quiz_submit.py --gc-freeze off` measures both.
    """
    gc.collect()  # garbage frozen now would never be freed
    gc.freeze()
