"""Shared input checks: bounded JSON parsing and plain-language validation messages.

Every boundary (scenario files, uploads, ``--results`` files, region pack files)
parses JSON with :func:`load_json`, which refuses absurdly deep nesting before
Python's parser would hit its recursion limit, and reports syntax errors with
the file name. :func:`describe_errors` turns pydantic's validation errors into
one sentence per problem with a plain field path (``zones[0].radius_m``) and no
Python jargon.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from geo.errors import EvacError

#: Deepest JSON nesting accepted. A scenario needs about 10 levels (a
#: MultiPolygon inside a zone); 64 leaves room and stays far from recursion limits.
MAX_JSON_DEPTH = 64

_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = str.maketrans({"[": "(", "{": "(", "]": ")", "}": ")"})


def json_depth(text: str) -> int:
    """Deepest bracket nesting of JSON ``text`` (strings are skipped), without parsing it."""
    skeleton = _STRING_RE.sub("", text).translate(_BRACKETS)
    steps = np.frombuffer(skeleton.encode("utf-8", "replace"), dtype=np.uint8)
    delta = (steps == ord("(")).astype(np.int64) - (steps == ord(")")).astype(np.int64)
    return int(delta.cumsum().max()) if delta.size else 0


def load_json(text: str | bytes, what: str, error: type[EvacError], kind: str = "JSON") -> Any:
    """Parse JSON ``text`` from ``what`` (a file name); raise ``error`` with a clear message.

    ``kind`` names the expected format in messages (e.g. ``"GeoJSON"``).

    NaN and Infinity literals are parsed (as Python's json does) so the field
    checks can name the field that holds them.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise error(f"{what} is not UTF-8 text: save it as UTF-8 JSON.") from None
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise error(
            f"{what} nests lists/objects {depth} levels deep; at most {MAX_JSON_DEPTH} are "
            "allowed. The file is damaged or not the expected kind of JSON."
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{what}: not valid {kind} at line {exc.lineno}, column {exc.colno}: {exc.msg}. "
            "Fix the syntax there."
        ) from None
    except RecursionError:  # a deep nest hidden from the scan by odd escapes
        raise error(f"{what} nests lists/objects too deeply to read.") from None


def json_value(value: Any) -> str:
    """``value`` as a user sees it in a JSON file (null, true, NaN, "text"), shortened."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def field_path(loc: Iterable[str | int]) -> str:
    """``("zones", 0, "radius_m")`` -> ``zones[0].radius_m``; odd keys in quotes."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out or "(top level)"


_TYPE_WORDS: dict[str, str] = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a JSON object",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "finite_number": "must be a finite number",
}


def describe_error(err: Mapping[str, Any]) -> str:
    """One plain sentence for one pydantic error dict."""
    kind, path = err["type"], field_path(err["loc"])
    got = json_value(err.get("input"))
    if kind == "missing":
        return f"{path} is missing"
    if kind == "extra_forbidden":
        return f"{path} is not a known field (remove it or check its spelling)"
    if kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"{path} must be one of {allowed}, got {got}"
    if kind in ("too_short", "too_long"):
        return f"{path} has the wrong number of items ({got})"
    if kind in _TYPE_WORDS:
        return f"{path} {_TYPE_WORDS[kind]}, got {got}"
    return f"{path}: {err.get('msg', 'invalid value')}, got {got}"


def describe_errors(errors: Sequence[Mapping[str, Any]], limit: int = 3) -> str:
    """The first ``limit`` problems as one message (with how many more there are)."""
    parts = [describe_error(e) for e in errors[:limit]]
    more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
    return "; ".join(parts) + more


def finite_number(value: Any, what: str, error: type[EvacError]) -> float:
    """``value`` as a float if it is a finite number (not a bool); else raise ``error``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise error(f"{what} must be a number, got {json_value(value)}.")
    if not math.isfinite(value):
        raise error(f"{what} must be a finite number, got {json_value(value)}.")
    return float(value)
