"""The feuille de route as a PDF, made by WeasyPrint from the printable HTML.

WeasyPrint needs Pango (and HarfBuzz, fontconfig, a font) from the system: see the
README. When they are missing, :class:`PdfUnavailable` says so in one line, and the chat
sends the HTML alone. The document never loads anything from the network: the page has
no external resource, and any URL it might ask for is refused.
"""

from __future__ import annotations

import logging
from typing import NoReturn

log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing."""


def _refuse(url: str, *args: object, **kwargs: object) -> NoReturn:
    raise ValueError(f"the feuille de route loads no resource ({url[:60]})")


def render_pdf(page: str) -> bytes:
    """The PDF of an HTML page of :func:`~bot.knowledge.roadmap.html.render_html`."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # no stubs published
    except (ImportError, OSError) as exc:  # OSError: Pango or its friends are missing
        raise PdfUnavailable(f"cannot make PDF files: WeasyPrint or its system libraries "
                             f"(Pango, HarfBuzz, fonts) are missing ({exc}); see the README"
                             ) from None
    document = weasyprint.HTML(string=page, url_fetcher=_refuse, base_url=".")
    # A fixed identifier: the same page gives the same bytes.
    return document.write_pdf(pdf_identifier=b"essbot-feuille-de-route", uncompressed_pdf=False)
