"""`python cli.py import --kind accounts`: the platform's account list from the command line."""
from __future__ import annotations

import json

from tests.cli.test_cli import database, district, run  # noqa: F401
from tests.workbooks import xlsx_bytes


def test_kind_accounts_imports_the_list_and_undo_removes_it(database, tmp_path):
    district(database)
    path = tmp_path / "tai-khoan.xlsx"
    path.write_bytes(xlsx_bytes(("TK", [["Họ và tên", "Số CCCD", "Xã"],
                                        ["An", "001000000001", "Thọ An"],
                                        ["Bình", "001000000002", "Xã Hư Cấu"]])))
    result = run(database, "import", str(path), "--kind", "accounts", "--as-of", "2024-08-10",
                 "--json")
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)
    assert (report["status"], report["kind"], report["as_of"], report["rows_accepted"],
            report["commune"]) == ("imported", "accounts", "2024-08-10", 2, None)
    assert [w["code"] for w in report["warnings"]] == ["unknown-commune"]
    assert run(database, "undo", str(report["upload_id"])).returncode == 0
