"""Closest-match suggestions for what an author typed: keys, values, ids."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(typed: str, known: Iterable[str]) -> str | None:
    """The known word the author most likely meant, or None.

    A match ignoring case and spaces wins; then a unique word that starts
    with what was typed (`F` for `female`); then the nearest spelling.
    """
    candidates = list(known)
    folded = typed.strip().lower().replace(" ", "_")
    if not folded:
        return None
    for word in candidates:
        if word.lower() == folded or word.lower() == typed.strip().lower():
            return word
    starting = [word for word in candidates if word.lower().startswith(folded)]
    if len(starting) == 1:
        return starting[0]
    near = difflib.get_close_matches(typed, candidates, n=1, cutoff=0.6)
    return near[0] if near else None
