"""The rule "figures as of a date" (import-formats.md), written once; pure: no database.

- A person's state is that of their deciding entry: the latest roster listing them (report date,
  then the later import, then the later row: `DECIDING_ORDER`). They count from their registration
  date (never after that roster's report date), else from the roster's report date (`counts_from`).
- A unit's roster level on a day: its people whose deciding entry is in it and who count from that
  day or before (`roster_changes`: how many start to count each day).
- A count report holds from its report date until the unit's next report.
- Where a unit has both, the more recent report date wins; on the same date the count report wins
  (`UnitFigures.on`). Installed is counted as registered is.

The daily tables (services/aggregates.py) materialise this rule; every reader (the pages, the
command line, the export, the preview, the follow-up lists, data quality) reads those tables
through `UnitFigures`, so that no figure is computed twice in two ways.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Iterable, NamedTuple

UnitKey = tuple[str, int]  # ("cluster", id) or ("agency", id)
Level = tuple[date, int, int]  # (from this day on, registered, installed)
# a roster entry's columns, highest first: the first entry in this order decides the person
DECIDING_ORDER = ("report_date", "upload_id", "id")


def reported_since(as_of: date, stale_days: int) -> date:
    """The earliest report date that keeps a unit from being silent on `as_of`: a unit is silent
    when it never reported, or `stale_days` days or more have passed since its last report."""
    return as_of - timedelta(days=stale_days - 1)


def counts_from(registered_on: date | None, report_date: date) -> date:
    """The day a person listed by a roster counts from (a registration date is never after its
    roster's report date: the importer keeps no such date, models.RosterEntry)."""
    return registered_on or report_date


class Entry(NamedTuple):
    """A person's roster entry as the rule reads it (a named tuple: one is made for each row of a
    previewed roster, 200,000 of them in a big file)."""

    unit: UnitKey
    rank: tuple  # the entry's DECIDING_ORDER values: the highest decides the person's state
    registered: bool
    installed: bool
    since: date  # counts_from(registration date, report date)

    @property
    def counted(self) -> tuple[int, int]:
        return int(self.registered), int(self.installed)


def deciding(entries: Iterable[Entry]) -> Entry | None:
    """The entry that decides a person's state: the latest roster listing them."""
    return max(entries, key=lambda e: e.rank, default=None)


def roster_changes(current: dict, planned: dict | None = None
                   ) -> dict[UnitKey, dict[date, list[int]]]:
    """Per unit and day, how many people start to count that day ([registered, installed]), from
    each person's deciding entry (`current`, by person). With `planned` (new deciding entries, by
    person): the change once they are in, each replacing the person's current entry unless that
    one is later."""
    changes: dict[UnitKey, dict[date, list[int]]] = defaultdict(dict)
    pairs = (((None, e) for e in current.values()) if planned is None
             else ((current.get(p), e) for p, e in planned.items()))
    for old, new in pairs:
        if old is not None and old.rank > new.rank:
            continue
        for entry, sign in ((old, -1), (new, 1)):
            if entry is not None and any(entry.counted):
                change = changes[entry.unit].setdefault(entry.since, [0, 0])
                change[0] += sign * entry.counted[0]
                change[1] += sign * entry.counted[1]
    return changes


class UnitFigures:
    """A unit's figures on any day from its daily rows (source, day, registered, installed,
    reported, ...): `count` rows are its count reports, `roster` rows its roster level from that
    day on (`reported`: a roster is dated that day). The sources are combined by the rule: the
    more recent report wins, the count report on the same date."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        rows = sorted(rows, key=lambda r: r[1])
        self.counts = [r for r in rows if r[0] == "count"]
        self.roster = [r for r in rows if r[0] == "roster"]
        self.count_days = [r[1] for r in self.counts]
        self.roster_days = [r[1] for r in self.roster]
        self.report_days = [r[1] for r in self.roster if r[4]]
        self.days = sorted(set(self.count_days) | set(self.roster_days))

    def on(self, day: date) -> tuple[int, int, date | None]:
        """(registered, installed, last report on or before the day)."""
        c = self.count_on(day)
        if c >= 0:
            return self.counts[c][2], self.counts[c][3], self.count_days[c]
        rr = bisect_right(self.report_days, day) - 1
        reported = self.report_days[rr] if rr >= 0 else None
        r = bisect_right(self.roster_days, day) - 1
        return (self.roster[r][2], self.roster[r][3], reported) if r >= 0 else (0, 0, reported)

    def count_on(self, day: date) -> int:
        """The index (in `counts`) of the count report whose figures hold on the day; -1 when the
        roster's hold (a roster dated after the latest count report)."""
        c = bisect_right(self.count_days, day) - 1
        rr = bisect_right(self.report_days, day) - 1
        if c >= 0 and (rr < 0 or self.count_days[c] >= self.report_days[rr]):
            return c
        return -1

    def levels(self) -> list[Level]:
        return [(day, *self.on(day)[:2]) for day in self.days]

    def reports(self) -> list[ReportedFigure]:
        """The unit's reports, oldest first: each day a count report or a roster is dated, with
        the figures that hold that day, the first import of it (the earliest of the day's count
        and dated roster rows' sixth column: the import's time) and whether registered went down
        since the report before (`fell`)."""
        first: dict[date, datetime | None] = {}
        for row in self.counts + [r for r in self.roster if r[4]]:
            known = first.get(row[1])
            first[row[1]] = row[5] if known is None else min(known, row[5] or known)
        reports = []
        for day in sorted(first):
            registered, installed, _ = self.on(day)
            fell = bool(reports) and registered < reports[-1].registered
            reports.append(ReportedFigure(day, registered, installed, first[day], fell))
        return reports


class ReportedFigure(NamedTuple):
    """A unit's figures on one of its report dates (`UnitFigures.reports`)."""

    day: date
    registered: int
    installed: int
    reported_at: datetime | None  # when the first import of it came in
    fell: bool = False  # registered is below the unit's report before: an account once made
    # stays made, so that is an error (installs may go down: people uninstall)
