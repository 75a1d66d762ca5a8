"""Optional access control: a shared password keeps the app closed until given."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.access import password_ok


def test_password_comparison_is_exact():
    assert password_ok("hemmelig", "hemmelig")
    assert not password_ok("hemmelig ", "hemmelig")
    assert not password_ok("", "hemmelig")


def test_app_shows_only_a_login_form_until_the_password_is_given():
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.secrets["auth"] = {"password": "øvelse-2026"}
    at.run()
    assert not at.exception
    labels = [b.label for b in at.button]
    assert "Beregn plan" not in labels, "planner widgets must stay hidden"
    at.text_input[0].input("Kari")
    at.text_input[1].input("feil")
    at.button[0].click().run()
    assert any("Feil" in e.value or "feil" in e.value for e in at.error)
    at.text_input[1].input("øvelse-2026")
    at.button[0].click().run()
    assert not at.exception
    assert "Beregn plan" in [b.label for b in at.button]
