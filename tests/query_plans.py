"""SQLite's query plans for what a piece of work runs, on a city's statistics: the tests check
that the work finds its rows by indexes, not by reading a table or a campaign whole."""
from __future__ import annotations

import re
from typing import Callable

from sqlalchemy import event


def city_statistics(engine, factor: int = 10_000) -> None:
    """ANALYZE, then statistics as of a city: `factor` times the rows, each key as selective as it
    is here (a key matching every row still matches them all)."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
        for table, index, stat in connection.exec_driver_sql("SELECT * FROM sqlite_stat1").all():
            rows, *per_key = stat.split()
            scaled = [str(int(n) * factor) if n == rows else n for n in per_key]
            connection.exec_driver_sql(
                "UPDATE sqlite_stat1 SET stat = ? WHERE tbl = ? AND idx IS ?",
                (" ".join([str(int(rows) * factor), *scaled]), table, index))
    engine.dispose()  # new connections read the statistics


def plans_of(engine, work: Callable[[], object]) -> list[tuple[str, str]]:
    """(plan line, statement) of every query and delete `work` runs."""
    statements = []

    def record(connection, cursor, statement, parameters, context, many):
        if not many and statement.lstrip().upper().startswith(("SELECT", "DELETE", "WITH")):
            statements.append((statement, parameters))
    event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        return [(row[3], statement) for statement, parameters in statements
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                      parameters).all()]


def whole_reads(plans: list[tuple[str, str]], tables: str) -> list[tuple[str, str]]:
    """The plan lines that read one of the tables (`a|b|c`) whole."""
    return [(line, statement[:80]) for line, statement in plans
            if re.fullmatch(rf"SCAN ({tables})\b.*", line)]
