"""Translations (gettext catalogs compiled by Babel at start-up) and locale formatting.

French is the source language: msgids are French and need no catalog. Other
languages have a ``.po`` file under ``bot/locale/<lang>/LC_MESSAGES/``. The
catalogs are compiled in memory the first time a language is used, so no
``.mo`` file is ever committed or written to disk.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from collections.abc import Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

SOURCE_LANGUAGE = "fr"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def normalize_language(tag: str | None) -> str | None:
    """Map a channel locale ('fr-FR', 'en_GB', 'EN') to a supported language, or None."""
    if not tag:
        return None
    base = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in SUPPORTED_LANGUAGES else None


def _catalog_resource(language: str) -> Traversable:
    return resources.files("bot") / "locale" / language / "LC_MESSAGES" / "messages.po"


@cache
def load_catalog(language: str) -> Catalog | None:
    """The Babel catalog of a translated language (None for the source language)."""
    if language == SOURCE_LANGUAGE:
        return None
    with _catalog_resource(language).open("rb") as handle:
        return read_po(handle, locale=language)


@cache
def _gettext_translations(language: str) -> gettext.NullTranslations:
    catalog = load_catalog(language)
    if catalog is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext does
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def has_translation(msgid: str, language: str) -> bool:
    """True when ``msgid`` is translated (not fuzzy, not empty) in ``language``."""
    catalog = load_catalog(language)
    if catalog is None:
        return True
    message = catalog.get(msgid)
    return bool(message and message.string and not message.fuzzy)


class Translator:
    """Everything language-dependent that a reply needs: strings, dates, numbers."""

    def __init__(self, language: str):
        if language not in SUPPORTED_LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = _gettext_translations(language)

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    _ = gettext  # so that `t._("...")` is found by `pybabel extract`

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def format_date(self, value: dt.date) -> str:
        return _format_date(value, self.language)

    def format_number(self, value: float | int) -> str:
        return format_decimal(value, locale=self.locale)

    def join(self, words: Sequence[str]) -> str:
        """« a, b et c » (« a, b and c »): a list inside a sentence."""
        if len(words) <= 1:
            return "".join(words)
        return ", ".join(words[:-1]) + self._(" et ") + words[-1]


@functools.lru_cache(maxsize=1024)  # a few distinct dates (last_checked), shown very often
def _format_date(value: dt.date, language: str) -> str:
    return babel_format_date(value, format="long", locale=Locale.parse(language))


@cache
def translator(language: str) -> Translator:
    return Translator(language)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (it is translated on use)."""
    return message
