"""Every UI string goes through the catalogs, and English has them all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n import Translator, has_translation, normalize_language

LOCALE = Path("bot/locale")


def test_the_template_is_up_to_date_with_the_code(tmp_path: Path):
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "N_", "-o", str(fresh), "bot"], check=True,
                   capture_output=True)
    with fresh.open("rb") as a, (LOCALE / "messages.pot").open("rb") as b:
        assert {m.id for m in read_po(a)} == {m.id for m in read_po(b)}, \
            "run the extract command of docs/i18n.md"


def test_every_message_has_an_english_translation():
    with (LOCALE / "messages.pot").open("rb") as handle:
        ids = [m.id for m in read_po(handle) if m.id]
    missing = [i for i in ids if not has_translation(i, "en")]
    assert ids and missing == []


def test_placeholders_survive_translation():
    with (LOCALE / "en/LC_MESSAGES/messages.po").open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                for name in ("{limit}", "{name}", "{min}", "{max}", "{text}", "{date}"):
                    assert (name in message.id) == (name in message.string), message.id


def test_locale_normalisation_and_formatting():
    assert normalize_language("fr-FR") == "fr"
    assert normalize_language("en_GB") == "en"
    assert normalize_language("de") is None
    assert normalize_language(None) is None
    import datetime as dt

    assert Translator("en").format_date(dt.date(2026, 3, 1)) == "March 1, 2026"
    assert Translator("fr").format_date(dt.date(2026, 3, 1)) == "1 mars 2026"
