"""The one base of every error whose text is a message for the user (in Vietnamese): a refused
file, a cell that is not what its column needs, a setting the app cannot start with, a refused
action. Pages and the command line show its text as it is (as plain text), never a traceback."""
from __future__ import annotations


class UserError(Exception):
    """`str(error)` (also `error.message`) is the message for the user."""

    @property
    def message(self) -> str:
        return str(self)
