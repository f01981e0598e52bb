"""One unit code explained for a person: what `caseforge units` prints."""

from __future__ import annotations

from typing import Any

from caseforge.units import display
from caseforge.units.kinds import kind_of
from caseforge.units.spelling import discouraged, suggest
from caseforge.units.ucum import UcumError, parse


def describe(code: str) -> dict[str, Any]:
    """Validity, kind of quantity, display and, when invalid, a suggestion."""
    try:
        unit = parse(code)
    except UcumError as error:
        better = suggest(code)
        summary = f"not UCUM: {error.message}"
        if better:
            summary += f" Did you mean `{better}` ({display.unit(better) or better})?"
        return {"code": code, "valid": False, "error": error.message, "suggestion": better, "summary": summary}
    kind = kind_of(code).name
    shown = display.unit(code) or "(no unit)"
    summary = f"valid UCUM; {kind}; shown as {shown}"
    if unit.special:
        summary += f"; a special unit ({unit.special}), not for compounds"
    preferred = discouraged(code)
    if preferred:
        summary += f"; prefer `{preferred[0]}`: {preferred[1]}"
    return {"code": code, "valid": True, "kind": kind, "display": shown, "preferred": preferred[0] if preferred else None, "summary": summary}
