"""How an update looks to a subscriber: plain text, framed in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping

from bot.broadcast.model import Draft, Targeting
from bot.engine.flow import LocalText
from bot.engine.messages import Outgoing
from bot.i18n import Translator

Vocabularies = Mapping[str, Mapping[str, LocalText]]


def update_text(draft: Draft, t: Translator, footer: bool = True) -> str:
    parts = [f"📣 {draft.title}", draft.text]
    details = []
    if draft.deadline is not None:
        details.append(t._("Date limite : {date}").format(date=t.format_date(draft.deadline)))
    if draft.link:
        details.append(t._("En savoir plus : {link}").format(link=draft.link))
    if details:
        parts.append("\n".join(details))
    if footer:
        parts.append(t._("Vous recevez ce message car vous êtes abonné aux actualités de "
                         "l'ESS. /abonnements pour voir vos choix, /desabonner pour arrêter."))
    return "\n\n".join(parts)


def update_message(draft: Draft, t: Translator) -> Outgoing:
    return Outgoing(update_text(draft, t))


def labels(vocabularies: Vocabularies, vocabulary: str, values: tuple[str, ...] | list[str],
           t: Translator, everything: str) -> str:
    """'Bretagne, Normandie', or ``everything`` for an empty selection."""
    if not values:
        return everything
    known = vocabularies.get(vocabulary, {})
    return ", ".join(known[v].render(t) if v in known else v for v in values)


def targeting_text(targeting: Targeting, vocabularies: Vocabularies, t: Translator) -> str:
    return "\n".join([
        t._("Régions : {values}").format(values=labels(
            vocabularies, "regions", targeting.regions, t, t._("toutes"))),
        t._("Thèmes : {values}").format(values=labels(
            vocabularies, "themes", targeting.themes, t, t._("tous"))),
        t._("Collectivités : {values}").format(values=labels(
            vocabularies, "collectivites", targeting.collectivites, t, t._("toutes"))),
    ])
