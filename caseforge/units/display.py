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
    "meq": "mEq",
    "eq": "Eq",
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
    # Annotations are set aside, so that their text is shown as written.
    notes = re.findall(r"\{([^}]*)\}", code)
    text = re.sub(r"\{[^}]*\}", "\x00", code).replace(".", "·")
    for atom, shown in sorted(_ATOMS.items(), key=lambda item: -len(item[0])):
        if atom.startswith(("[", "mm[", "cm[")) or atom in ("Cel", "meq", "eq"):
            text = text.replace(atom, shown)
    text = re.sub(r"\[([^\]]+)\]", r"\1", text)  # other bracketed atoms: [HPF] is HPF
    text = re.sub(r"(?<![\w\]])u(?=[gLlmUI])", "µ", text)  # ug, uL, umol, uU, uIU
    text = re.sub(r"10\*([-+]?\d+)", lambda m: "10" + m.group(1).translate(_SUPERSCRIPT), text)
    text = re.sub(r"(?<=[A-Za-z])([-+]?\d+)(?![\d.])", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
    for note in notes:
        text = text.replace("\x00", "1.73 m²" if note == "1.73_m2" else note, 1)
    return text


def quantity(value: float | int, code: str) -> str:
    """A value and its unit as a clinician writes them."""
    number = _number(value)
    shown = unit(code)
    if not shown:
        return number
    if value == 1 and shown in ("years", "months", "weeks", "days"):
        shown = shown[:-1]  # 1 year, 1 week
    if shown.startswith("10") and "/" in shown or re.match(r"10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]", shown):
        return f"{number} × {shown}"
    if shown.startswith("%"):
        return f"{number}{shown}"
    if shown in ("°C", "°F"):
        return f"{number} {shown}"
    return f"{number} {shown}"


def _number(value: float | int) -> str:
    """A number as printed: no float noise (0.30000000000000004), no exponent."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.6g}"
    if "e" in text and 1e-9 <= abs(value) < 1e15:
        text = f"{value:.12f}".rstrip("0").rstrip(".")
    return text
