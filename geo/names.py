"""Names to ASCII: file-name-safe slugs of place and scenario names."""

from __future__ import annotations

import re
import unicodedata

#: Norwegian letters NFKD cannot split into a base letter and an accent.
_NORDIC = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def ascii_fold(text: str) -> str:
    """Lower-case ASCII: æøå as ae/o/a, other accents dropped (``"Kjølsås"`` -> ``"kjolsas"``)."""
    text = text.lower().translate(_NORDIC)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slugify(text: str, *, fallback: str, sep: str = "-", max_length: int | None = None) -> str:
    """ASCII letters and digits of ``text`` joined by ``sep`` (``fallback`` if none are left).

    Parameters
    ----------
    text
        Any name (``"Bærum, Norway"`` -> ``"baerum-norway"``).
    fallback
        Returned when ``text`` has no letters or digits.
    sep
        Joins the runs of letters and digits.
    max_length
        Cut the slug to this many characters (no trailing separator).
    """
    slug = sep.join(re.findall(r"[a-z0-9]+", ascii_fold(text)))
    if max_length is not None:
        slug = slug[:max_length].rstrip(sep)
    return slug or fallback
