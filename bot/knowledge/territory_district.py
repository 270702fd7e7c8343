"""The arrondissement of Paris, Lyon or Marseille that a typed text names (« marseille
13003 », « Lyon 7e », « Paris XVIIIe », « 75018 »): it is part of the commune, not a commune
of its own; the chat takes the commune and says so (docs/territories.md)."""

from __future__ import annotations

import re

# The commune's INSEE code -> the start of its arrondissements' INSEE codes and the width of
# their number (75118 is Paris 18e, 69387 Lyon 7e, 13203 Marseille 3e), and the start of
# their postal codes (75018, 69007, 13003).
_INSEE = {"75056": ("751", 2), "69123": ("6938", 1), "13055": ("132", 2)}
_POSTAL = {"75056": "750", "69123": "6900", "13055": "130"}
_PARIS_16_BIS = "75116"  # the second postal code of Paris 16e
_ROMAN = {"i": 1, "v": 5, "x": 10}
_CODE = re.compile(r"(?<!\d)\d{5}(?!\d)")


def roman_number(text: str) -> int | None:
    """« xviii » -> 18; None if the text is no roman number."""
    values = [_ROMAN.get(c) for c in text]
    if not values or None in values:
        return None
    total = 0
    for value, following in zip(values, [*values[1:], 0], strict=True):
        assert value is not None and following is not None
        total += -value if value < following else value
    return total


def district_code(key: str, commune: str, number: str | None = None) -> str | None:
    """The INSEE code of the arrondissement of ``commune`` (INSEE code) that the folded text
    ``key`` names: by the ``number`` a pattern read (« 3 », « xviii »), else by a postal code
    or an INSEE code of an arrondissement in the text; None when it names none."""
    if commune not in _INSEE:
        return None
    start, width = _INSEE[commune]
    if number:
        rank = int(number) if number.isdigit() else roman_number(number)
        return f"{start}{rank:0{width}d}" if rank else None
    for code in _CODE.findall(key):
        if code.startswith(start):
            return code
        if commune == "75056" and code == _PARIS_16_BIS:
            return f"{start}16"
        postal = _POSTAL[commune]
        if code.startswith(postal) and code[len(postal):].isdigit():
            return f"{start}{int(code[len(postal):]):0{width}d}"
    return None
