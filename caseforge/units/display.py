"""Units and quantities as clinicians write them: `2.99 × 10⁶/kg`, `35 mmHg`, `39 °C`.

UCUM codes are for machines (`10*6/kg`, `mm[Hg]`, `Cel`, `ug`, `[IU]/L`);
the site and the messages show what a reader expects to see. Display is a
rewrite of the code's text, so it never changes what the unit means.
"""

from __future__ import annotations

import re

_SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")

_ATOMS = {
    "Cel": "°C",
    "[degF]": "°F",
    "mm[Hg]": "mmHg",
    "cm[H2O]": "cmH₂O",
    "[IU]": "IU",
    "[iU]": "IU",
    "[arb'U]": "arb. unit",
    "[pH]": "pH",
    "[lb_av]": "lb",
    "[in_i]": "in",
    "[ft_i]": "ft",
    "a": "years",
    "mo": "months",
    "wk": "weeks",
    "d": "days",
    "h": "h",
}


def unit(code: str) -> str:
    """A UCUM code as a clinician writes the unit."""
    if code in ("1", ""):
        return ""
    if code in _ATOMS:
        return _ATOMS[code]
    # Multiplication dots become "·", but not the decimal point of "{1.73_m2}".
    text = re.sub(r"\.(?![^{]*\})", "·", code)
    text = re.sub(r"\{([^}]*)\}", _annotation, text)
    for atom, shown in sorted(_ATOMS.items(), key=lambda item: -len(item[0])):
        if atom.startswith(("[", "mm[", "cm[")) or atom in ("Cel",):
            text = text.replace(atom, shown)
    text = re.sub(r"(?<![\w\]])u(?=[gLlm])", "µ", text)  # ug, uL, umol
    text = re.sub(r"10\*([-+]?\d+)", lambda m: "10" + m.group(1).translate(_SUPERSCRIPT), text)
    text = re.sub(r"(?<=[A-Za-z\]])([-+]?\d+)(?![\d.])", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
    return text


def _annotation(match: re.Match[str]) -> str:
    inner = match.group(1)
    return "1.73 m²" if inner == "1.73_m2" else inner


def quantity(value: float | int, code: str) -> str:
    """A value and its unit as a clinician writes them."""
    number = _number(value)
    shown = unit(code)
    if not shown:
        return number
    if shown.startswith("10") and "/" in shown or re.match(r"10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]", shown):
        return f"{number} × {shown}"
    if shown in ("%", "°C", "°F"):
        return f"{number}{'' if shown == '%' else ' '}{shown}"
    return f"{number} {shown}"


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
