"""The overview as one picture for the Zalo groups, where a picture is read and a table is not: a
PNG 1080 px wide, readable on a phone. The title and the as-of date, the two campaign cards, the
ranking of the communes (or a city's districts) with their statuses, and the units not reporting,
all from the overview's own figures (`dashboard.Overview`): nothing is computed again here.

Drawn with matplotlib's Agg renderer (no display, no network) in DejaVu Sans, which matplotlib
ships and which has every Vietnamese letter and the status signs. Mathtext is off: a unit's name
is drawn as typed, `$` and all (set on each text: the global settings are shared by threads).
"""
from __future__ import annotations

import io
import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

import formats as fmt
from services.dashboard import CampaignProgress, Overview, UnitProgress, silent_note

WIDTH = 1080  # px
DPI = 100
MARGIN = 40
GAP = 24
PAD = 24
ROW = 56  # one unit of the ranking
NAME_WIDTH = 220  # the ranking's names, then its bars (100% = BAR_WIDTH), then the figures
BAR_WIDTH = 400
INK, GREY, LIGHT, BAND = "#1A1A1A", "#555555", "#E6E6E6", "#0B3D91"
# on every text, not in matplotlib's global settings, which the server's threads share
TEXT = {"parse_math": False, "usetex": False, "fontfamily": "DejaVu Sans"}


def overview_png(data: Overview) -> bytes:
    """The picture of an overview (not an empty one) as PNG bytes."""
    buffer = io.BytesIO()
    _Picture(data).figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


class _Picture:
    """Laid out in pixels from the top left; the height follows the content."""

    def __init__(self, data: Overview):
        self.data = data
        self.card_width = (WIDTH - 2 * MARGIN - GAP) // 2
        self.cards = [self._card_lines(c) for c in data.campaigns]
        self.ranked = [a for a in data.areas if a.standing.percent is not None]
        self.silent = _wrap(data.not_reporting, WIDTH - 2 * MARGIN, 26)
        card_height = max((_height(lines) for lines in self.cards), default=0) + 2 * PAD
        self.height = (200 + GAP + card_height + 40 + 100 + ROW * max(len(self.ranked), 1)
                       + 40 + 48 + _height([(line, 26, {}) for line in self.silent]) + MARGIN)
        self.figure = Figure(figsize=(WIDTH / DPI, self.height / DPI), dpi=DPI)
        self.axes = self.figure.add_axes((0, 0, 1, 1))
        self.axes.set_xlim(0, WIDTH)
        self.axes.set_ylim(self.height, 0)
        self.axes.axis("off")
        y = self._title()
        y = self._cards(y + GAP, card_height)
        y = self._ranking(y + 40)
        self._not_reporting(y + 40)

    # ------------------------------------------------------------ drawing in pixels

    def text(self, x: float, y: float, text: str, px: float, **style) -> None:
        """`text` `px` pixels high, its top at y (or its middle: va="center")."""
        style = {"color": INK, "va": "top", **style, **TEXT}
        self.axes.text(x, y, text, fontsize=px * 72 / DPI, clip_on=False, **style)

    def box(self, x: float, y: float, width: float, height: float, **style) -> None:
        patch = self.axes.add_patch(Rectangle((x, y), width, height, linewidth=0, **style))
        patch.set_hatch_linewidth(1.5)

    # ------------------------------------------------------------ parts

    def _title(self) -> float:
        data = self.data
        self.box(0, 0, WIDTH, 200, facecolor=BAND)
        self.text(MARGIN, 34, data.name or "iHaNoi", 44, color="white", weight="bold")
        self.text(MARGIN, 94, "iHaNoi – Công dân Thủ đô số", 30, color="white")
        self.text(MARGIN, 142, f"Tiến độ tạo tài khoản · số liệu đến ngày {fmt.day(data.as_of)}",
                  26, color="#DDE6F5", weight="bold")
        return 200

    def _card_lines(self, campaign: CampaignProgress) -> list[tuple[str, float, dict]]:
        """(text, px, style) lines of one card, below its name: what a leader reads first."""
        s, inner = campaign.standing, self.card_width - 2 * PAD
        lines = [(line, 26, {"weight": "bold"}) for line in _wrap(campaign.name, inner, 26, 0.64)]
        lines += [("", 8, {}), ("Đã tạo tài khoản / chỉ tiêu", 22, {"color": GREY}),
                  (f"{fmt.number(s.registered)} / {fmt.number(s.size)}", 40, {"weight": "bold"}),
                  (fmt.percent(s.percent), 40, {"weight": "bold", "badge": s.status}),
                  (f"Hạn {fmt.day(campaign.deadline)}, {fmt.days_left(campaign.days_left)}", 22,
                   {})]
        if s.reached_on is not None:
            lines.append((f"Đã đạt ngày {fmt.day(s.reached_on)}", 22, {}))
        elif note := silent_note(campaign):
            lines += [(line, 22, {"color": "#A04000"})
                      for line in _wrap(f"{note.capitalize()}: tốc độ chưa rõ", inner, 22)]
        elif s.needed_pace is not None:
            lines += [(f"Cần mỗi ngày: {fmt.pace(s.needed_pace)} người", 22, {}),
                      (f"7 ngày qua: {fmt.pace(s.pace)} người/ngày", 22, {})]
        return lines

    def _cards(self, top: float, height: float) -> float:
        for number, (campaign, lines) in enumerate(zip(self.data.campaigns, self.cards)):
            x = MARGIN + number * (self.card_width + GAP)
            colour = fmt.STATUS_COLOURS[campaign.standing.status]
            self.axes.add_patch(FancyBboxPatch(
                (x, top), self.card_width, height, boxstyle="round,pad=0,rounding_size=14",
                facecolor="white", edgecolor="#BBBBBB", linewidth=1.5))
            self.box(x, top + 14, 8, height - 28, facecolor=colour)
            y = top + PAD
            for text, px, style in lines:
                style = dict(style)
                if status := style.pop("badge", None):
                    self._badge(x + self.card_width - PAD, y + px * 0.15, status, 24)
                self.text(x + PAD, y, text, px, **style)
                y += _line(px)
        return top + height

    def _badge(self, right: float, y: float, status: str, px: float) -> None:
        self.text(right, y, fmt.status_label(status), px, ha="right", weight="bold",
                  color=fmt.STATUS_TEXT_COLOURS[status],
                  bbox=dict(boxstyle="round,pad=0.35", facecolor=fmt.STATUS_COLOURS[status],
                            edgecolor="none"))

    def _ranking(self, top: float) -> float:
        areas = "quận, huyện" if self.data.of_districts else "xã, thị trấn"
        self.text(MARGIN, top, f"Xếp hạng {len(self.ranked)} {areas}", 32, weight="bold")
        self.text(MARGIN, top + 50, "Tỷ lệ người trong diện đã tạo tài khoản, thấp nhất ở trên. "
                  "Vạch đen: mức cần đạt đến nay.", 21, color=GREY)
        y, left = top + 100, MARGIN + NAME_WIDTH
        if not self.ranked:
            self.text(MARGIN, y + 12, "Chưa có đơn vị nào có chỉ tiêu.", 24, color=GREY)
        for unit in self.ranked:
            self._rank_row(unit, y, left)
            y += ROW
        self.axes.plot([left + BAR_WIDTH] * 2, [top + 92, y], color=INK, linewidth=1.5,
                       linestyle=(0, (4, 3)))
        self.text(left + BAR_WIDTH, y + 6, "100%", 18, ha="center", color=GREY)
        return y + 28

    def _rank_row(self, unit: UnitProgress, y: float, left: float) -> None:
        s, bar = unit.standing, 32
        middle = y + ROW / 2
        self.text(MARGIN, middle, _fit(unit.name, NAME_WIDTH - 12, 26), 26, va="center")
        self.box(left, middle - bar / 2, BAR_WIDTH, bar, facecolor="#F2F2F2")
        self.box(left, middle - bar / 2, BAR_WIDTH * min(s.percent, 1.05), bar,
                 facecolor=fmt.STATUS_COLOURS[s.status], edgecolor="white",
                 hatch=fmt.STATUS_PATTERNS[s.status] * 2 or None)
        if s.size and s.status not in ("reached", "no_target"):
            needed = left + BAR_WIDTH * min(s.expected / s.size, 1)
            self.axes.plot([needed] * 2, [middle - bar / 2 - 6, middle + bar / 2 + 6], color=INK,
                           linewidth=3.5, solid_capstyle="butt")
        figures = left + BAR_WIDTH * 1.05 + 16
        note = silent_note(unit)
        self.text(figures, middle - (10 if note else 0), fmt.percent(s.percent), 26,
                  weight="bold", va="center")
        self.text(figures + 104, middle - (10 if note else 0), fmt.status_label(s.status), 22,
                  va="center")
        if note:
            self.text(figures, middle + 15, note, 18, va="center", color="#A04000")

    def _not_reporting(self, top: float) -> None:
        self.box(MARGIN, top - 20, WIDTH - 2 * MARGIN, 2, facecolor=LIGHT)
        self.text(MARGIN, top, "Đơn vị không báo cáo", 32, weight="bold")
        y = top + 48
        for line in self.silent:
            self.text(MARGIN, y, line, 26)
            y += _line(26)


def _line(px: float) -> float:
    return px * 1.3


def _height(lines) -> float:
    return sum(_line(px) for _, px, _ in lines)


def _wrap(text: str, width: float, px: float, glyph: float = 0.58) -> list[str]:
    """Lines of `text` that fit `width` pixels at `px` (DejaVu Sans: a letter is ~0.58 px wide)."""
    return textwrap.wrap(text, max(int(width / (px * glyph)), 8)) or [""]


def _fit(text: str, width: float, px: float) -> str:
    """One line: cut with `…` when too long for `width` pixels."""
    most = max(int(width / (px * 0.58)), 4)
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"
