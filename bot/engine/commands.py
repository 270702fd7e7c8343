"""Global commands: they work in every state, each with a French name and an English alias."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    french: str
    english: str
    description: str  # French msgid, translated on display
    admin: bool = False  # only for ESSBOT_ADMINS; others get the unknown-command answer

    def name_in(self, language: str) -> str:
        return self.french if language == "fr" else self.english


COMMANDS: tuple[Command, ...] = (
    Command("start", "start", "start", N_("commencer ou reprendre le parcours")),
    Command("help", "aide", "help", N_("afficher cette aide")),
    Command("back", "retour", "back", N_("revenir à la question précédente")),
    Command("restart", "recommencer", "restart", N_("repartir de zéro")),
    Command("language", "langue", "lang", N_("changer de langue (français, anglais)")),
    Command("forget", "oublier", "forget", N_("effacer tout ce qui est enregistré à votre sujet")),
    Command("plan", "feuille", "plan", N_("recevoir votre feuille de route")),
    Command("question", "question", "ask", N_("poser une question sur l'ESS")),
    Command("subscribe", "abonner", "subscribe",
            N_("recevoir les actualités de l'ESS (appels à projets, événements)")),
    Command("subscriptions", "abonnements", "subscriptions", N_("voir vos abonnements")),
    Command("unsubscribe", "desabonner", "unsubscribe", N_("arrêter les actualités")),
    Command("news", "actualites", "news", N_("voir les dernières actualités pour vous")),
)
# Commands whose work a flow provides, with actions under its 'commands:' key.
FLOW_ACTION_COMMANDS = ("plan",)

# Administrators' commands: never listed in /aide or channel menus.
ADMIN_COMMANDS: tuple[Command, ...] = (
    Command("stats", "stats", "stats", N_("statistiques d'usage anonymisées"), admin=True),
    Command("reload", "recharger", "reload", N_("recharger les parcours et le contenu"),
            admin=True),
    Command("version", "version", "version", N_("version du bot, des parcours et du contenu"),
            admin=True),
)

# Publishers' commands (bot.broadcast): not listed in /aide; others are told they may not.
PUBLISHER_COMMANDS: tuple[Command, ...] = (
    Command("publish", "publier", "publish", N_("publier une actualité pour les abonnés")),
    Command("publisher", "publieur", "publisher", N_("habiliter un compte à publier"),
            admin=True),
)

_BY_NAME = {name: c for c in (*COMMANDS, *ADMIN_COMMANDS, *PUBLISHER_COMMANDS)
            for name in (c.french, c.english)}
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\S+)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str  # as typed, lower-cased
    command: Command | None  # None when unknown
    args: str


def parse_command(text: str) -> ParsedCommand | None:
    """'/aide', '/Langue en', '/start@essbot' -> ParsedCommand; other text -> None."""
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    name = match.group(1).lower()
    return ParsedCommand(name, _BY_NAME.get(name), (match.group(2) or "").strip())
