"""Global commands: they work in every state, each with a French name and an English alias.

The engine's own commands are here; features declare theirs
(:attr:`bot.engine.extension.Extension.commands`) and the engine puts them all in one
:class:`CommandRegistry`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.choices import normalize_answer
from bot.engine.extension import Audience, Command
from bot.i18n import N_

CORE_COMMANDS: tuple[Command, ...] = (
    Command("start", "start", "start", N_("commencer ou reprendre le parcours")),
    Command("help", "aide", "help", N_("afficher cette aide")),
    # « retour » typed alone is the command, as « feuille de route » is /feuille: a question
    # search found « en retour » in some item and the next « 2 » picked a stale button.
    Command("back", "retour", "back", N_("revenir à la question précédente"),
            phrases=("retour", "revenir", "revenir en arriere", "question precedente",
                     "revenir a la question precedente", "precedent", "back", "go back")),
    Command("restart", "recommencer", "restart", N_("repartir de zéro")),
    Command("language", "langue", "lang", N_("changer de langue (français, anglais)")),
    Command("forget", "oublier", "forget", N_("effacer tout ce qui est enregistré à votre sujet")),
)
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\S+)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str  # as typed, lower-cased
    command: Command | None  # None when unknown
    args: str


class CommandRegistry:
    """Every command the bot knows, found by its French or English name."""

    def __init__(self, commands: Iterable[Command]):
        self.commands: tuple[Command, ...] = tuple(commands)
        self._by_name: dict[str, Command] = {}
        for command in self.commands:
            for name in (command.french, command.english):
                other = self._by_name.get(name)
                if other is not None and other.id != command.id:
                    raise ValueError(f"the command name /{name} is used by both "
                                     f"{other.id!r} and {command.id!r}")
                self._by_name[name] = command
        self._by_phrase = {normalize_answer(phrase): command
                           for command in self.commands for phrase in command.phrases}

    def parse(self, text: str) -> ParsedCommand | None:
        """'/aide', '/Langue en', '/start@essbot' -> ParsedCommand; other text -> None."""
        match = _COMMAND.match(text.strip())
        if not match:
            return None
        name = match.group(1).lower()
        return ParsedCommand(name, self._by_name.get(name), (match.group(2) or "").strip())

    def by_phrase(self, text: str) -> ParsedCommand | None:
        """Typed text that is one of a command's phrases (« feuille de route »), as the
        command without arguments; any other text -> None."""
        command = self._by_phrase.get(normalize_answer(text))
        return None if command is None else ParsedCommand(command.french, command, "")

    def listed(self) -> list[Command]:
        """The commands shown in /aide and in the channels' menus, in order."""
        return [c for c in self.commands if c.audience is Audience.EVERYONE]

    def flow_commands(self) -> frozenset[str]:
        """The commands whose work a flow provides (its ``commands:`` key)."""
        return frozenset(c.id for c in self.commands if c.from_flow)
