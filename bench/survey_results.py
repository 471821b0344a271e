"""Survey results benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/survey_results.py [--respondents 100000] [--departments 60]
                                             [--backends sqlite,postgresql] [--repeat 7]

For each backend: a fresh database, D departments, one closed cycle of N respondents
(`flask surveys generate`: each rates 2-3 suppliers on every statement), then the
median and best of: the supplier x customer matrix, one scorecard (the supplier with
the most ratings), response rates, the whole HR results page and scorecard page
through the test client, and the API's per-cycle aggregates. Goal from issue #21:
matrix and a scorecard under 200 ms. The machine is shared (2 cores, other jobs
running): figures are noisy; compare them within one run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from hr_report import make_app, postgres_base, private_database, show, timed  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from extensions import db  # noqa: E402


def bench(backend: str, uri: str, respondents: int, departments: int, repeat: int,
          instance: Path) -> None:
    from flask_migrate import upgrade

    import clock
    from accounts import service as accounts
    from api import tokens
    from surveys import results
    from surveys.generate import generate_cycle
    from surveys.models import Cycle, Rating

    print(f"\n{backend}, {respondents} respondents across {departments} departments",
          flush=True)
    app = make_app(uri, instance)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
        root = accounts.create_department("bench", "Bench company")
        for n in range(departments - 1):
            accounts.create_department(f"bench-{n:02d}", f"部门 {n:02d}", parent=root)
        started = time.perf_counter()
        report = generate_cycle(respondents, departments, clock.today())
        print(f"    generate                                             "
              f"{time.perf_counter() - started:9.1f} s  ({report.ratings} ratings, "
              f"{report.scores} statement answers)", flush=True)
        db.session.execute(text("ANALYZE"))  # fresh statistics, as a nightly job would
        db.session.commit()
        cycle = db.session.get(Cycle, report.cycle_id)
        busiest = db.session.execute(
            select(Rating.supplier_id, func.count()).where(Rating.cycle_id == cycle.id)
            .group_by(Rating.supplier_id).order_by(func.count().desc()).limit(1)).one()
        show("matrix (supplier x customer, service)", timed(lambda: results.matrix(cycle),
                                                             repeat))
        show(f"scorecard of the busiest supplier ({busiest[1]} ratings)",
             timed(lambda: results.scorecard(cycle, busiest[0]), repeat))
        show("response rates", timed(lambda: results.response_rates(cycle), repeat))
        accounts.create_user("bench-hr@example.com", "Bench HR", password="bench-password-1",
                             roles=("hr",))
        client = app.test_client()
        client.post("/login", data={"email": "bench-hr@example.com",
                                    "password": "bench-password-1"})
        show("GET results page (whole request, HTML)",
             timed(lambda: client.get(f"/surveys/cycles/{cycle.id}/results"), repeat))
        show("GET scorecard page (whole request, HTML)",
             timed(lambda: client.get(f"/surveys/cycles/{cycle.id}/scorecard/{busiest[0]}"),
                   repeat))
        secret = tokens.create_token("bench", ["surveys:read"]).secret
        api = app.test_client()
        show(f"GET API results ({departments} scorecards)",
             timed(lambda: api.get(f"/api/v1/surveys/cycles/{cycle.id}/results",
                                   headers={"Authorization": f"Bearer {secret}"}),
                   max(1, repeat // 3)))
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as folder:
            instance = Path(folder)
            if backend == "sqlite":
                bench(backend, f"sqlite:///{instance / 'bench.db'}", args.respondents,
                      args.departments, args.repeat, instance)
                continue
            base = postgres_base()
            if base is None:
                print("\npostgresql: no server at 127.0.0.1:5432, skipped")
                continue
            uri = private_database(base)
            try:
                bench(backend, uri, args.respondents, args.departments, args.repeat, instance)
            finally:
                private_database(base, drop=True)


if __name__ == "__main__":
    main()
