"""Which commune or agency a page is about: the account's own, an admin's choice, or the one a link
names (`?commune=THOAN`, `?agency=CQ05`). Whether the account may see it is the services' call."""
from __future__ import annotations

import streamlit as st

from components.safe_text import plain
from services.auth import Actor
from services.admin import (UnitOption, agencies_in_scope, communes_in_scope, find_agency,
                            find_commune)


def pick_unit(actor: Actor, key: str) -> tuple[UnitOption | None, UnitOption | None]:
    """(commune, agency): at most one of them is set."""
    asked_commune, asked_agency = st.query_params.get("commune"), st.query_params.get("agency")
    if asked_commune or asked_agency:
        found = find_commune(asked_commune) if asked_commune else find_agency(asked_agency)
        if found is None:
            st.error(f"Không có đơn vị mã “{plain(asked_commune or asked_agency)}”.")
            st.stop()
        return (found, None) if asked_commune else (None, found)
    communes, agencies = communes_in_scope(actor), agencies_in_scope(actor)
    if actor.role != "admin":
        return (communes[0] if communes else None), (agencies[0] if agencies else None)
    side = st.radio("Đơn vị", ["commune", "agency"], horizontal=True, key=f"{key}-side",
                    format_func={"commune": "Xã, thị trấn", "agency": "Cơ quan, đơn vị"}.get)
    units = communes if side == "commune" else agencies
    chosen = st.selectbox("Chọn đơn vị", units, format_func=lambda u: u.name, key=f"{key}-{side}")
    return (chosen, None) if side == "commune" else (None, chosen)
