"""The upload flow: choose a file, read its import report before anything is written, confirm or
cancel. Used by the upload page and by the admin's unit-directory page.

Text that comes from a file (names, cell values, messages quoting them) is shown in tables or
escaped (`plain`), never rendered as Markdown.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from components import outcome as outcomes
from formats import day, file_size, moment, number
from components.safe_text import plain
from components.tables import show_table
from importers.report import KIND_LABELS
from services.auth import Actor
from services.admin import (UnitOption, agencies_in_scope, communes_in_scope, find_agency,
                            find_commune)
from services.imports import (FigureChange, ImportOutcome, PreparedImport, commit_import,
                              prepare_import)
from services.rows_to_fix import rows_to_fix
from services.scope import UPLOAD_KINDS, ScopeRefused
from services.uploads import UploadSummary, undo_upload
from text import vietnam_today

def upload_flow(actor: Actor, *, kind: str | None = None, key: str = "upload") -> None:
    """The whole flow for one file. `kind`: a fixed kind of table (the directory page: `units`)."""
    if (done := outcomes.show(key, refused=st.warning)) and done.extra:  # an upload's number
        st.caption(f"Lần nhập số {done.extra}: xem lại hoặc hoàn tác ở trang Lịch sử.")
    options = _options(actor, kind, key)
    if options is None:
        return
    file = st.file_uploader("Chọn tệp Excel (.xlsx, .xls, .ods) hoặc CSV", key=_file_key(key),
                            help="Tệp chưa được ghi cho đến khi bạn bấm Xác nhận nhập.")
    if file is None:
        st.session_state.pop(f"{key}-preview", None)
        return
    data = file.getvalue()
    # The file is read once: the prepared import (rows, report, matches, plan) is kept for this
    # content, name and options; the rows to fix are made from it and the confirm writes it.
    signature = (hashlib.sha256(data).hexdigest(), file.name, tuple(sorted(options.items())))
    preview = st.session_state.get(f"{key}-preview")
    if preview is None or preview[0] != signature:
        st.session_state.pop(f"{key}-preview", None)  # another file or other options: drop it
        with st.spinner(f"Đang đọc và kiểm tra {plain(file.name)} ({file_size(len(data))})…"):
            try:
                prepared = prepare_import(data, file.name, preview=True, actor=actor, **options)
                preview = (signature, prepared, _rows_to_fix(prepared), None)
            except ScopeRefused as refusal:
                preview = (signature, None, None, str(refusal))
        st.session_state[f"{key}-preview"] = preview
    _, prepared, fix, refused = preview
    if refused:
        st.error(plain(refused))
        return
    outcome = prepared.outcome
    show_outcome(outcome, fix)
    if outcome.refused:
        _cancel_button(key, "Chọn tệp khác")
        return
    if outcome.previous_upload_id:
        st.warning(f"Tệp này đã được nhập (lần nhập số {outcome.previous_upload_id}): nhập lại "
                   "cũng không thay đổi gì.")
        _cancel_button(key, "Chọn tệp khác")
        return
    acknowledged = _acknowledged(outcome, key, signature[0])
    confirm, cancel = st.columns([1, 1])
    if confirm.button(f"Xác nhận nhập {number(outcome.rows_accepted)} dòng", type="primary",
                      key=f"{key}-confirm", width="stretch", disabled=not acknowledged):
        with st.spinner("Đang ghi số liệu…"):
            try:
                result = commit_import(prepared, actor=actor)
            except ScopeRefused as refusal:
                result = ImportOutcome(prepared.file, "refused", str(refusal))
        _reset(key, result)
    if cancel.button("Hủy, không nhập", key=f"{key}-cancel", width="stretch"):
        _reset(key, None)


def _acknowledged(outcome: ImportOutcome, key: str, content: str) -> bool:
    """The cautions of the preview, and whether the user ticked that they checked them (none:
    nothing to tick). The tick is this file's: another file asks again."""
    if not outcome.cautions:
        return True
    st.warning("**Cần kiểm tra trước khi nhập:**\n\n" +
               "\n".join(f"- {plain(text)}" for text in outcome.cautions),
               icon=":material/warning:")
    return st.checkbox("Tôi đã kiểm tra các điểm trên và vẫn muốn nhập tệp này",
                       key=f"{key}-acknowledged-{content[:16]}")


def _rows_to_fix(prepared: PreparedImport):
    """The rejected rows' workbook, from the prepared import (the file is not read again)."""
    outcome = prepared.outcome
    if not outcome.rows_rejected or prepared.parsed is None:
        return None
    return rows_to_fix(prepared.parsed, outcome.errors)


def show_outcome(outcome: ImportOutcome, fix=None) -> None:
    """The import report of one file, as read before confirming."""
    if outcome.refused:
        st.error(plain(outcome.message))
    else:
        st.info(plain(outcome.message))
    if outcome.kind:
        unit = (find_commune(outcome.commune) if outcome.commune else
                find_agency(outcome.agency) if outcome.agency else None)
        unit = unit.name if unit else "theo tên đơn vị trong tệp"
        st.markdown(f"**Loại bảng:** {plain(KIND_LABELS.get(outcome.kind, outcome.kind))} · "
                    f"**Ngày báo cáo:** {day(outcome.as_of)} · **Đơn vị:** {plain(unit)}")
    read, accepted, rejected, warned = st.columns(4)
    read.metric("Dòng đọc được", number(outcome.rows_read))
    accepted.metric("Dòng hợp lệ", number(outcome.rows_accepted))
    rejected.metric("Dòng bị từ chối", number(outcome.rows_rejected))
    warned.metric("Cảnh báo", number(len(outcome.warnings)))
    for note in outcome.notes:
        st.caption(plain(note))
    if outcome.skipped_sheets:
        st.caption("Trang tính bỏ qua (không có bảng): " + plain(", ".join(outcome.skipped_sheets)))
    if outcome.changes:
        st.subheader("Số liệu thay đổi (trước → sau)")
        show_table(changes_table(outcome.changes), width="stretch")
    if outcome.errors:
        st.subheader(f"Dòng bị từ chối ({number(outcome.rows_rejected)})")
        show_problems([p.as_dict() for p in outcome.errors])
    if fix is not None:
        st.download_button("Tải các dòng cần sửa (Excel, có cột Lý do)", fix.data, fix.name,
                           mime=fix.mime, icon=":material/download:")
    if outcome.warnings:
        st.subheader(f"Cảnh báo ({number(len(outcome.warnings))}): vẫn được nhập, nên kiểm tra")
        show_problems([p.as_dict() for p in outcome.warnings])


def show_problems(problems: list[dict]) -> None:
    """Problems in Excel's order, the reason column wide."""
    show_table(problems_table(problems),
               column_config={"Lý do": st.column_config.TextColumn(width="large")})


def problems_table(problems: list[dict]) -> pd.DataFrame:
    sheets = {name: i for i, name in enumerate(dict.fromkeys(p["sheet"] for p in problems))}
    problems = sorted(problems, key=lambda p: (sheets[p["sheet"]], p["row"] or 0))
    return pd.DataFrame({"Trang": [p["sheet"] for p in problems],
                         "Dòng": [p["row"] for p in problems],
                         "Cột": [p["column"] or "" for p in problems],
                         "Giá trị": [p["value"] or "" for p in problems],
                         "Lý do": [p["message"] for p in problems]})


def changes_table(changes: list[FigureChange]) -> pd.DataFrame:
    def arrow(before, after) -> str:
        if before == after:
            return f"{number(after)} (không đổi)"
        return f"{number(before) if before is not None else '—'} → {number(after)}"
    rows = []
    for change in changes:
        b, a = change.before, change.after
        rows.append({
            "Đơn vị": change.name + (f" ({change.commune})" if change.commune and
                                     change.unit_type == "cluster" else ""),
            "Đã tạo tài khoản": arrow(b.registered if b else None, a.registered if a else None),
            "Đã cài đặt": arrow(b.installed if b else None, a.installed if a else None),
            "Chỉ tiêu": arrow(b.target if b else None, a.target if a else None)})
    return pd.DataFrame(rows)


def uploads_table(uploads: list[UploadSummary]) -> pd.DataFrame:
    return pd.DataFrame({
        "Số": [u.id for u in uploads],
        "Lúc": [moment(u.created_at) for u in uploads],
        "Người nhập": [u.username or "" for u in uploads],
        "Tệp": [u.file_name for u in uploads],
        "Loại": [KIND_LABELS.get(u.kind, u.kind) for u in uploads],
        "Ngày báo cáo": [day(u.as_of) for u in uploads],
        "Dòng nhận": [u.rows_accepted for u in uploads],
        "Dòng từ chối": [u.rows_rejected for u in uploads],
        "Trạng thái": [f"Đã hoàn tác {moment(u.undone_at)}" if u.undone_at else "Đang dùng"
                       for u in uploads]})


def undo_controls(actor: Actor, upload: UploadSummary) -> None:
    """Undo one upload, after a confirmation; the result is shown after the rerun."""
    outcomes.show("undo")
    if upload.undone_at is not None:
        st.caption(f"Lần nhập này đã được hoàn tác lúc {moment(upload.undone_at)}.")
        return
    if st.session_state.get("undo-asked") != upload.id:
        if st.button("Hoàn tác lần nhập này…", key=f"undo-{upload.id}"):
            st.session_state["undo-asked"] = upload.id
            st.rerun()
        return
    st.warning(f"Hoàn tác lần nhập số {upload.id} ({plain(upload.file_name)})? Mọi số liệu của lần "
               "nhập này sẽ được gỡ bỏ và các số liệu trở về như trước khi nhập.")
    yes, no = st.columns(2)
    if yes.button("Xác nhận hoàn tác", type="primary", key="undo-confirm", width="stretch"):
        st.session_state.pop("undo-asked", None)
        outcomes.run("undo", lambda: undo_upload(upload.id, actor=actor))
    if no.button("Thôi, không hoàn tác", key="undo-cancel", width="stretch"):
        st.session_state.pop("undo-asked", None)
        st.rerun()


def _options(actor: Actor, kind: str | None, key: str) -> dict | None:
    """The import options: the unit (preset from the account), the kind and the report date."""
    communes, agencies = communes_in_scope(actor), agencies_in_scope(actor)
    options: dict = {"kind": kind}
    if actor.role == "admin" and kind != "units":
        units: list[tuple[str, UnitOption | None]] = [("", None)] + \
            [("commune", c) for c in communes] + [("agency", a) for a in agencies]
        chosen = st.selectbox("Đơn vị của tệp", units, key=f"{key}-unit",
                              format_func=lambda u: u[1].name if u[1] else "Theo tiêu đề của tệp")
        if chosen[1] is not None:
            options[chosen[0]] = chosen[1].code
    elif actor.role in ("commune", "agency"):
        own = (communes or agencies)
        if not own:
            st.error("Đơn vị của tài khoản này đã đóng hoặc không còn trong danh mục. Liên hệ quản "
                     "trị viên.")
            return None
        st.markdown(f"**Đơn vị:** {plain(own[0].name)}")
    if kind is None:
        kinds = [None] + sorted(UPLOAD_KINDS.get(actor.role, set()))
        options["kind"] = st.selectbox("Loại bảng", kinds, key=f"{key}-kind",
                                       format_func=lambda k: KIND_LABELS[k].capitalize() if k
                                       else "Tự nhận biết theo tiêu đề cột")
    as_of = st.date_input("Ngày báo cáo (để trống: lấy theo tệp)", value=None, key=f"{key}-as-of",
                          format="DD/MM/YYYY", max_value=vietnam_today())
    options["as_of"] = as_of
    return options


def _file_key(key: str) -> str:
    return f"{key}-file-{st.session_state.get(f'{key}-round', 0)}"


def _cancel_button(key: str, label: str) -> None:
    if st.button(label, key=f"{key}-cancel"):
        _reset(key, None)


def _reset(key: str, result: ImportOutcome | None) -> None:
    """Forget the file and its prepared import (confirmed or cancelled); show the result (if
    any) at the top after the rerun."""
    st.session_state.pop(f"{key}-preview", None)
    st.session_state[f"{key}-round"] = st.session_state.get(f"{key}-round", 0) + 1
    if result is not None:
        outcomes.done(key, outcomes.Outcome(not result.refused, result.message,
                                            None if result.refused else result.upload_id))
    st.rerun()
