"""`flask reports rebuild`, `check` and `export`."""

from __future__ import annotations

import csv
from datetime import timedelta

from sqlalchemy import text

from extensions import db


def test_check_passes_after_events_and_fails_after_a_bulk_update(company, runner):
    result = runner.invoke(args=["reports", "check"])
    assert result.exit_code == 0 and "match" in result.output
    db.session.execute(text("UPDATE enrollments SET due_date = :due"),
                       {"due": company.T - timedelta(days=90)})
    db.session.commit()
    failed = runner.invoke(args=["reports", "check"])
    assert failed.exit_code == 1 and "report_rollup_days" in failed.output
    rebuilt = runner.invoke(args=["reports", "rebuild"])
    assert rebuilt.exit_code == 0 and "report_rollups:" in rebuilt.output
    assert runner.invoke(args=["reports", "check"]).exit_code == 0


def test_rebuild_of_an_empty_database(app, runner):
    result = runner.invoke(args=["reports", "rebuild"])
    assert result.exit_code == 0 and "report_rollups: 0 rows" in result.output
    assert runner.invoke(args=["reports", "check"]).exit_code == 0


def test_export_command_writes_the_raw_list(company, runner, tmp_path):
    target = tmp_path / "all.csv"
    result = runner.invoke(args=["reports", "export", str(target)])
    assert result.exit_code == 0, result.output
    assert "8 enrollment(s) written" in result.output
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 10 and rows[0][1] == "Email"
    assert rows[-1] == ["End of export: 8 rows"]
    earlier = tmp_path / "earlier.xlsx"
    result = runner.invoke(args=["reports", "export", str(earlier), "--format", "xlsx",
                                 "--as-of", company.day(-22).isoformat()])
    assert result.exit_code == 0 and "4 enrollment(s) written" in result.output
    assert earlier.stat().st_size > 0
