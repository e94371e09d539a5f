"""Every error whose text is a message for the user has one base: `errors.UserError`."""
from __future__ import annotations

import pytest

from errors import UserError
from importers.normalise import Invalid
from importers.problems import Problem
from importers.report import FileRefused
from services.auth import AccountError
from services.demo import DemoRefused
from services.admin import DirectoryError
from services.imports import ImportContextError
from services.scope import ScopeRefused
from services.uploads import UndoRefused
from settings import SettingsError


@pytest.mark.parametrize("error", [AccountError, DemoRefused, DirectoryError, ImportContextError,
                                   ScopeRefused, UndoRefused, SettingsError])
def test_a_refused_action_is_a_user_error_whose_text_is_the_message(error):
    refusal = error("Không được phép.")
    assert isinstance(refusal, UserError) and refusal.message == "Không được phép."


def test_a_refused_file_and_a_bad_cell_are_user_errors_with_their_codes():
    refused = FileRefused("empty-file", "Tệp rỗng.")
    bad = Invalid(Problem.INVALID_PHONE, value="123")
    assert (refused.code, refused.message) == ("empty-file", "Tệp rỗng.")
    assert isinstance(bad, UserError) and bad.code == "invalid-phone" and "“123”" in bad.message
