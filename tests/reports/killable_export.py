"""A job's worker that stops mid-file, for test_export_tempfiles.py to SIGKILL.

    python tests/reports/killable_export.py JOB_ID   (DATABASE_URL, RELAY_INSTANCE_PATH set)

It runs the real job (reports.jobs.run_job) over the real enrollment rows, each
repeated REPEAT times so the worksheet's temporary file holds megabytes of names and
emails, then prints READY and waits to be killed before the file is complete.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import create_app  # noqa: E402
from reports import exports, jobs  # noqa: E402

REPEAT = 3000


def main(job_id: int) -> None:
    real = exports.enrollment_rows

    def rows_then_stall(*args):
        for row in real(*args):
            for _ in range(REPEAT):
                yield row
        print("READY", flush=True)
        time.sleep(120)  # killed here, mid-export

    exports.enrollment_rows = rows_then_stall
    with create_app().app_context():
        jobs.run_job(job_id)


if __name__ == "__main__":
    main(int(sys.argv[1]))
