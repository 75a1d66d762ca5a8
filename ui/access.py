"""Optional access control for shared deployments.

Configured in ``.streamlit/secrets.toml``::

    [auth]
    password = "..."            # a shared password, or
    # Streamlit's OIDC login (st.login): redirect_uri, cookie_secret,
    # client_id, client_secret, server_metadata_url

Without an ``[auth]`` section the app is open (desktop or exercise room).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any, cast

import streamlit as st

from ui import app_state as S

_OIDC_KEYS = ("client_id", "server_metadata_url")


def auth_settings() -> Mapping[str, Any]:
    """The ``[auth]`` secrets section, or an empty mapping when none is configured."""
    try:
        return cast(Mapping[str, Any], st.secrets.get("auth", {}))
    except (FileNotFoundError, KeyError, st.errors.StreamlitAPIException):
        return {}


def password_ok(given: str, expected: str) -> bool:
    """Constant-time password comparison."""
    return hmac.compare_digest(given.encode(), expected.encode())


def require_access(t: Any) -> str:
    """Stop the script until the user is let in; return the user's display name.

    Parameters
    ----------
    t
        Translation function ``t(key) -> str`` for the login texts.
    """
    auth = auth_settings()
    if "password" in auth:
        if not st.session_state.get(S.ACCESS_GRANTED):
            with st.form("login"):
                name = st.text_input(t("login_name"))
                pw = st.text_input(t("login_password"), type="password")
                if st.form_submit_button(t("login_button")):
                    if password_ok(pw, str(auth["password"])) and name.strip():
                        st.session_state[S.ACCESS_GRANTED] = True
                        st.session_state[S.USER] = name.strip()
                        st.rerun()
                    st.error(t("login_failed"))
            st.stop()
        return str(st.session_state.get(S.USER, ""))
    if any(k in auth for k in _OIDC_KEYS):
        if not st.user.is_logged_in:
            st.button(t("login_button"), on_click=st.login)
            st.stop()
        return str(st.user.get("name") or st.user.get("email") or "")
    return str(st.session_state.get(S.USER, ""))
