"""Widgets the dashboard pages share: the as-of picker, campaign cards, status badges, tables."""
from __future__ import annotations

from datetime import date
from typing import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st

from components import charts
import formats as fmt
from components.safe_text import plain
from components.tables import on_phone, show_table
from services.dashboard import PLACE_CHANGE_DAYS, silent_note

AS_OF_KEY = "ngay"  # also the URL's query parameter: ?ngay=2024-08-12
DISTRICT_KEY = "huyen"  # ?huyen=<district code>


def as_of_picker(bounds: tuple[date, date] | None) -> date | None:
    """The as-of date: by default the latest report date in the data (not today); kept in the
    URL when changed, so it follows the user from page to page and can be shared."""
    if bounds is None:
        return None
    first, latest = bounds
    return st.date_input("Số liệu tính đến ngày", value=latest, min_value=first, max_value=latest,
                         format="DD/MM/YYYY", key=AS_OF_KEY, bind="query-params", width=200,
                         help="Mặc định là ngày báo cáo mới nhất có trong dữ liệu.")


def district_picker(choices: Sequence[tuple[str, str]], *, everything: str = "Toàn thành phố"
                    ) -> str | None:
    """A city's district (its code), kept in the URL; None: the whole city. Shown only when
    there are two districts or more."""
    if len(choices) < 2:
        return None
    names = dict(choices)
    return st.selectbox("Quận, huyện", [None, *names],
                        format_func=lambda code: names.get(code, everything),
                        key=DISTRICT_KEY, bind="query-params", width=300)


def code_in_url(key: str, choices: dict[str, str]) -> None:
    """A picker bound to the URL writes its option's name there (`?xa=Thọ+An`); a link may name
    the unit by its code instead (`?xa=THOAN`): the picker takes it."""
    if (asked := st.query_params.get(key)) in choices:
        st.session_state[key] = asked


def as_of_and_district(bounds: tuple[date, date] | None,
                       districts: Sequence[tuple[str, str]]) -> tuple[date | None, str | None]:
    """The as-of date and, in a city, the district, side by side."""
    left, right = st.columns(2)
    with left:
        as_of = as_of_picker(bounds)
    with right:
        district = district_picker(districts)
    return as_of, district


def empty_district() -> None:
    st.info("Chưa có danh mục đơn vị và số liệu. Quản trị viên hãy nhập danh mục đơn vị và các "
            "báo cáo (trang Tải lên), hoặc chạy `python cli.py demo` để xem dữ liệu mẫu.")


def as_of_caption(as_of: date, has_reports: bool) -> None:
    if has_reports:
        st.caption(f"Số liệu tính đến hết ngày {fmt.day(as_of)}.")
    else:
        st.info(f"Chưa có báo cáo nào: các số liệu dưới đây đều bằng 0 (ngày {fmt.day(as_of)}).")


def status_badge(status: str) -> str:
    """HTML for a status: its colour, sign and label (the label is what carries the meaning)."""
    return (f'<span style="background:{fmt.STATUS_COLOURS[status]};'
            f'color:{fmt.STATUS_TEXT_COLOURS[status]};padding:2px 8px;border-radius:10px;'
            'font-weight:600;font-size:0.9em;white-space:nowrap">'
            f'{fmt.status_label(status)}</span>')


def campaign_card(progress) -> None:
    """One campaign (or a commune's residents): the figures a leader reads first."""
    s = progress.standing
    with st.container(border=True):
        st.markdown(f"**{plain(progress.name)}**")
        st.metric("Đã tạo tài khoản / chỉ tiêu",
                  f"{fmt.number(s.registered)} / {fmt.number(s.size)}")
        st.markdown(f"{status_badge(s.status)} &nbsp; **{fmt.percent(s.percent)}**",
                    unsafe_allow_html=True)
        if s.reached_on is not None:
            projection = f"đã đạt ngày {fmt.day(s.reached_on)}"
        elif s.projected is not None:
            projection = fmt.day(s.projected)
        elif progress.silent:
            projection = "chưa dự báo được (không có báo cáo mới)"
        else:
            projection = "chưa dự báo được (7 ngày qua không tăng)"
        if note := silent_note(progress):
            st.warning(f"{note.capitalize()}: tốc độ chưa rõ, số liệu có thể thấp hơn thực tế.",
                       icon=":material/schedule:")
        st.markdown("\n".join([
            f"- Hạn: **{fmt.day(progress.deadline)}** ({fmt.days_left(progress.days_left)})",
            f"- Cần đạt đến nay (tuyến tính): {fmt.number(s.expected)}"
            f" ({fmt.percent(s.expected / s.size if s.size else None)})",
            "- Tốc độ trung bình 7 ngày qua: "
            + ("— (không có báo cáo mới)" if progress.silent else f"{fmt.pace(s.pace)} người/ngày"),
            "- Cần mỗi ngày để kịp hạn: "
            + (f"{fmt.pace(s.needed_pace)} người/ngày" if s.needed_pace is not None else "—"),
            f"- Dự kiến đạt chỉ tiêu theo tốc độ hiện tại: {projection}",
            f"- Đã cài đặt ứng dụng: {fmt.number(s.installed)}"]))


def campaign_charts(campaigns: Sequence, figures: Sequence, kind: str) -> None:
    """Side by side, each campaign's name over its figure (`figures`: one per campaign, from
    components.cached); `kind`: the charts' key prefix (curve, daily)."""
    for column, progress, figure in zip(st.columns(len(campaigns)), campaigns, figures):
        with column:
            st.markdown(f"**{plain(progress.name)}**")
            st.plotly_chart(figure, config=charts.CONFIG, key=f"{kind}-{progress.key}")


# ---------------------------------------------------------------- tables

Column = tuple[str, Callable, str]  # header, value getter, kind (text|number|percent|day|...)
_FORMATS = {"number": fmt.number, "percent": fmt.percent, "pace": fmt.pace, "day": fmt.day,
            "move": fmt.place_move,  # a number (it sorts), shown ▲2 / ▼1 / =
            "moment": fmt.moment, "text": lambda v: "" if v is None else str(v),
            "status": lambda v: fmt.status_label(v) if v else ""}


# On a phone a table shows only these columns, under a short header (the full one is its
# tooltip), at these widths (px; None: what the others leave of a 390 px screen's table), so
# that it never scrolls sideways.
PhoneColumns = dict[str, tuple[str, int | None]]
PHONE_TABLE_PX = 350  # a 390 px screen less the page's margins and the table's borders


def table(records: Sequence, columns: Sequence[Column], *, empty: str, key: str,
          phone: PhoneColumns | None = None) -> None:
    """A sortable table with Vietnamese formats; the status column is coloured and labelled.
    `phone`: the columns a phone shows (all of them when None)."""
    if not records:
        st.success(empty)
        return
    def style(styler):
        styler = styler.format({header: _FORMATS[kind] for header, _, kind in columns},
                               na_rep=fmt.NONE)
        for header, _, kind in columns:
            if kind == "status":
                styler = styler.map(lambda v: f"background-color:{fmt.STATUS_FILLS.get(v, '')}",
                                    subset=[header])
        return styler
    options = {}
    if phone and on_phone():
        shown = [header for header, _, _ in columns if header in phone]
        rest = PHONE_TABLE_PX - sum(phone[header][1] or 0 for header in shown)
        options = {"column_order": shown, "column_config": {
            header: st.column_config.Column(phone[header][0], help=header,
                                            width=phone[header][1] or rest)
            for header in shown}}
    show_table(pd.DataFrame({header: [get(r) for r in records] for header, get, _ in columns}),
               style=style, key=key, placeholder=fmt.NONE, **options)


def units_table(units: Sequence, *, parent: str | None, empty: str, key: str,
                changes: Mapping | None = None) -> None:
    """UnitProgress rows: name, percent, status, registered, size, paces, last report, parent;
    with `changes` (PlaceChange by code), each one's place and its move (PLACE_CHANGE_DAYS)."""
    columns: list[Column] = [("Đơn vị", lambda u: u.name, "text")]
    if changes is not None:
        columns += [("Hạng", lambda u: _change(changes, u, "place"), "number"),
                     (f"So với {PLACE_CHANGE_DAYS} ngày trước",
                      lambda u: _change(changes, u, "moved"), "move")]
    columns += [
        ("Tỷ lệ", lambda u: u.standing.percent, "percent"),
        ("Trạng thái", lambda u: u.standing.status, "status"),
        ("Đã tạo tài khoản", lambda u: u.standing.registered, "number"),
        ("Chỉ tiêu", lambda u: u.standing.size, "number"),
        ("Tốc độ 7 ngày (người/ngày)", lambda u: None if u.silent else u.standing.pace, "pace"),
        ("Cần mỗi ngày", lambda u: u.standing.needed_pace, "pace"),
        ("Báo cáo gần nhất", lambda u: u.standing.last_report, "day"),
        ("Ghi chú", silent_note, "text")]
    if parent:
        columns.append((parent, lambda u: u.parent or u.group, "text"))
    table(units, columns, empty=empty, key=key, phone=_UNITS_ON_A_PHONE)


# the percent, the move in the ranking and the two paces: the ranking chart above shows the rest
_UNITS_ON_A_PHONE: PhoneColumns = {
    "Đơn vị": ("Đơn vị", None), f"So với {PLACE_CHANGE_DAYS} ngày trước": ("±Hạng", 52),
    "Tỷ lệ": ("Tỷ lệ", 56), "Tốc độ 7 ngày (người/ngày)": ("Tốc độ", 56),
    "Cần mỗi ngày": ("Cần/ngày", 64)}


def _change(changes: Mapping, unit, what: str):
    change = changes.get(unit.code)
    return None if change is None else getattr(change, what)


def verification_table(rows: Sequence, *, key: str, empty: str, unmatched: bool = False) -> None:
    """verification.Checked rows: reported, confirmed by the platform, share, gap (and, for
    communes, the accounts found on no roster)."""
    columns: list[Column] = [
        ("Đơn vị", lambda r: r.name, "text"),
        ("Báo cáo đã tạo tài khoản", lambda r: r.reported, "number"),
        ("Hệ thống xác nhận", lambda r: r.verified, "number"),
        ("Tỷ lệ xác nhận", lambda r: r.share, "percent"),
        ("Chênh lệch", lambda r: r.gap, "number")]
    if unmatched:
        columns.append(("Tài khoản không có trong danh sách nào", lambda r: r.unmatched, "number"))
    table(rows, columns, empty=empty, key=key, phone=_VERIFICATION_ON_A_PHONE)


_VERIFICATION_ON_A_PHONE: PhoneColumns = {
    "Đơn vị": ("Đơn vị", None), "Báo cáo đã tạo tài khoản": ("Báo cáo", 64),
    "Hệ thống xác nhận": ("Xác nhận", 64), "Tỷ lệ xác nhận": ("Tỷ lệ", 56)}


def verification_caption(checked) -> None:
    """What the verified figures mean, and the list they come from."""
    st.caption(f"Theo danh sách tài khoản của hệ thống iHaNoi ngày {fmt.day(checked.list_date)}: "
               "người được báo cáo đã tạo tài khoản mà hệ thống có tài khoản trùng số CCCD hoặc số "
               "điện thoại. Đơn vị chỉ báo cáo số lượng (không có danh sách từng người) được đối "
               "chiếu theo số tài khoản hệ thống ghi thuộc xã; “—”: chưa đối chiếu được.")


def deadline_table(checks: Sequence, *, key: str, empty: str) -> None:
    """DeadlineCheck rows: when each agency reached its target, how many days after the deadline."""
    table(checks, [("Đơn vị", lambda c: c.agency.name, "text"),
                   ("Xã, thị trấn", lambda c: c.agency.parent or c.agency.group, "text"),
                   ("Tỷ lệ", lambda c: c.agency.standing.percent, "percent"),
                   ("Trạng thái", lambda c: c.agency.standing.status, "status"),
                   ("Đạt chỉ tiêu ngày", lambda c: fmt.day(c.reached_on) if c.reached_on
                    else "Chưa đạt", "text"),
                   ("Số ngày trễ hạn", lambda c: c.days_late if c.late else None, "number")],
          empty=empty, key=key, phone={"Đơn vị": ("Đơn vị", None), "Tỷ lệ": ("Tỷ lệ", 56),
                                       "Đạt chỉ tiêu ngày": ("Đạt ngày", 80),
                                       "Số ngày trễ hạn": ("Trễ", 48)})


def silent_table(items: Sequence) -> None:
    table(items, [("Đơn vị", lambda s: s.unit.name, "text"),
                  ("Xã, thị trấn", lambda s: s.unit.commune, "text"),
                  ("Loại", lambda s: _KINDS[s.unit.kind], "text"),
                  ("Báo cáo gần nhất", lambda s: s.last_report, "day"),
                  ("Số ngày chưa báo cáo", lambda s: s.days, "number")],
          empty="Tất cả đơn vị đều báo cáo đều đặn.", key="silent")


def district_quality_table(rows: Sequence) -> None:
    """The whole city's data quality, one row per district (services.quality.DistrictQuality)."""
    table(rows, [("Quận, huyện", lambda q: q.name, "text"),
                 ("Số đơn vị", lambda q: q.units, "number"),
                 ("Không báo cáo", lambda q: q.silent, "number"),
                 ("Đầy đủ", lambda q: q.reporting.completeness, "percent"),
                 ("Kịp thời", lambda q: q.reporting.timeliness, "percent"),
                 ("Vượt chỉ tiêu", lambda q: q.over_target, "number"),
                 ("Số tài khoản giảm", lambda q: q.decreases, "number"),
                 ("Chưa có chỉ tiêu", lambda q: q.no_target, "number")],
          empty="Chưa có quận, huyện nào.", key="district-quality",
          phone=["Quận, huyện", "Không báo cáo", "Đầy đủ"])


def reporting_table(rates: Sequence) -> None:
    table(rates, [("Xã, thị trấn", lambda r: r.commune, "text"),
                  ("Số thôn, cụm", lambda r: r.units, "number"),
                  ("Báo cáo cần có", lambda r: r.expected, "number"),
                  ("Đã nhận", lambda r: r.received, "number"),
                  ("Đầy đủ", lambda r: r.completeness, "percent"),
                  ("Kịp thời", lambda r: r.timeliness, "percent")],
          empty="Chưa có kỳ báo cáo nào.", key="reporting")


def over_target_table(items: Sequence) -> None:
    table(items, [("Đơn vị", lambda o: o.unit.name, "text"),
                  ("Xã, thị trấn", lambda o: o.unit.commune, "text"),
                  ("Chỉ tiêu", lambda o: o.size, "number"),
                  ("Đã tạo tài khoản", lambda o: o.registered, "number"),
                  ("Đã cài đặt", lambda o: o.installed, "number"),
                  ("Tỷ lệ", lambda o: o.percent, "percent")],
          empty="Không có số liệu nào vượt chỉ tiêu.", key="over-target")


def decreases_table(items: Sequence) -> None:
    table(items, [("Đơn vị", lambda d: d.unit.name, "text"),
                  ("Xã, thị trấn", lambda d: d.unit.commune, "text"),
                  ("Báo cáo trước", lambda d: d.before.day, "day"),
                  ("Số trước", lambda d: d.before.registered, "number"),
                  ("Báo cáo sau", lambda d: d.after.day, "day"),
                  ("Số sau", lambda d: d.after.registered, "number")],
          empty="Không có số liệu nào giảm.", key="decreases")


def no_target_table(items: Sequence) -> None:
    table(items, [("Đơn vị", lambda u: u.name, "text"),
                  ("Xã, thị trấn", lambda u: u.commune, "text"),
                  ("Loại", lambda u: _KINDS[u.kind], "text")],
          empty="Tất cả đơn vị đã có chỉ tiêu.", key="no-target")


def rejected_imports_table(items: Sequence) -> None:
    table(items, [("Lần nhập", lambda i: i.upload_id, "number"),
                  ("Thời điểm nhập", lambda i: i.created_at, "moment"),
                  ("Người nhập", lambda i: i.username, "text"),
                  ("Tệp", lambda i: i.file_name, "text"),
                  ("Ngày báo cáo", lambda i: i.as_of, "day"),
                  ("Số dòng", lambda i: i.rows_read, "number"),
                  ("Bị từ chối", lambda i: i.rows_rejected, "number"),
                  ("Lỗi đầu tiên", lambda i: i.first_error, "text")],
          empty="Không có lần nhập nào bị từ chối dòng.", key="rejected")


_KINDS = {"cluster": "Thôn, cụm dân cư", "agency": "Cơ quan, đơn vị"}
