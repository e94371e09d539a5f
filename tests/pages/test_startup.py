"""The app refuses to start, saying why, when its settings are wrong."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_id_key_stops_the_app_with_the_reason_and_no_login(monkeypatch, demo_database,
                                                                   use_database):
    use_database(demo_database)
    monkeypatch.setenv("TRACKER_ID_KEY", "abc123")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not app.exception
    assert len(app.error) == 1
    assert "TRACKER_ID_KEY" in app.error[0].value and "64" in app.error[0].value
    assert not app.text_input  # no sign-in form


def test_a_good_key_shows_the_sign_in(demo_database, use_database):
    use_database(demo_database)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not app.exception and not app.error
    assert len(app.text_input) == 2
