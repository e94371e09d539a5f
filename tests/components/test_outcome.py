"""An action's outcome: kept across the rerun, shown once, a refusal as its plain message."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = """
import streamlit as st
from components import outcome
from services.admin import DirectoryError

def refuse():
    raise DirectoryError("Mã *CUM1* đã có.")

done = outcome.show("units")
if done is not None and done.extra:
    st.code(done.extra)
if st.button("ok"):
    outcome.run("units", lambda: ("Đã lưu.", "mat-khau"))
if st.button("refused"):
    outcome.run("units", refuse)
"""


def test_a_done_action_shows_its_message_and_extra_once_after_the_rerun():
    at = AppTest.from_string(SCRIPT).run()
    at.button[0].click().run()
    assert [s.value for s in at.success] == ["Đã lưu\\."] and at.code[0].value == "mat-khau"
    at.run()
    assert not at.success and not at.code


def test_a_refused_action_shows_its_user_error_as_plain_text():
    at = AppTest.from_string(SCRIPT).run()
    at.button[1].click().run()
    assert [e.value for e in at.error] == ["Mã \\*CUM1\\* đã có\\."] and not at.success
