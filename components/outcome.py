"""An action's outcome, shown once after the rerun that follows it: `run` (or `done`) keeps it in
the session and reruns; `show`, at the top of the form, takes it out and shows it (as plain text).

The message of a refused action is its `errors.UserError` text."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NoReturn

import streamlit as st

from components.safe_text import plain
from errors import UserError


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    extra: object = None  # shown by the caller: a new password (once), an upload's number


def run(key: str, action: Callable[[], str | tuple[str, object]]) -> NoReturn:
    """Run `action` (its message, or its message and an extra); a `UserError` is the refusal."""
    try:
        result = action()
    except UserError as error:
        done(key, Outcome(False, str(error)))
    message, extra = result if isinstance(result, tuple) else (result, None)
    done(key, Outcome(True, message, extra))


def done(key: str, outcome: Outcome) -> NoReturn:
    st.session_state[_key(key)] = outcome
    st.rerun()


def show(key: str, *, refused: Callable = st.error) -> Outcome | None:
    """The outcome kept under `key`, shown (success, or `refused`) and forgotten; None if none."""
    outcome = st.session_state.pop(_key(key), None)
    if outcome is not None:
        (st.success if outcome.ok else refused)(plain(outcome.message))
    return outcome


def _key(key: str) -> str:
    return f"{key}-outcome"
