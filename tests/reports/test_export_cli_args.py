"""`flask reports export FILE`: the format follows the extension; a bad folder or an
unknown extension is a one-line usage error before any work."""

from __future__ import annotations

import zipfile


def test_xlsx_extension_writes_a_workbook(runner, tmp_path):
    target = tmp_path / "all.XLSX"
    result = runner.invoke(args=["reports", "export", str(target)])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(target)  # a workbook, not CSV text in a .xlsx


def test_csv_extension_writes_csv_and_format_wins_over_extension(runner, tmp_path):
    assert runner.invoke(args=["reports", "export", str(tmp_path / "a.csv")]).exit_code == 0
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    forced = tmp_path / "b.data"
    result = runner.invoke(args=["reports", "export", str(forced), "--format", "xlsx"])
    assert result.exit_code == 0 and zipfile.is_zipfile(forced)


def test_unknown_extension_without_format_is_refused(runner, tmp_path):
    result = runner.invoke(args=["reports", "export", str(tmp_path / "list.txt")])
    assert result.exit_code == 2
    assert "name it .csv or .xlsx, or give --format" in result.output
    assert not (tmp_path / "list.txt").exists()


def test_missing_folder_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["reports", "export", str(tmp_path / "nope" / "all.csv")])
    assert result.exit_code == 2
    assert "does not exist; create it first" in result.output
    assert "Traceback" not in result.output
