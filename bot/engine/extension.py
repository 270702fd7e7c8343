"""What a feature brings to a conversation turn; the engine knows features only through this.

An :class:`Extension` has a ``name``, which is also the prefix of its buttons' payloads
(``"<name>:..."``) and the owner of its dialogs. It declares its commands, and the
engine calls it:

- :meth:`~Extension.on_command` for one of its commands;
- :meth:`~Extension.on_payload` for a pressed button (or a typed answer that picked one)
  whose payload starts with ``"<name>:"``;
- :meth:`~Extension.on_dialog_text` for typed text while one of its dialogs waits for an
  answer (:meth:`bot.engine.turn.Turn.ask`) and the text picked none of the choices;
- :meth:`~Extension.on_free_text` for text that answers nothing the conversation expects
  (a question typed in the middle of the parcours), in the order extensions were given;
- :meth:`~Extension.forget`, inside the transaction of ``/oublier``, to erase its rows.

Every method has a harmless default, so an extension overrides only what it uses. The
application-level side of a feature (what it loads from content, its tables, its
background work) is :class:`bot.feature.Feature`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.store import Transaction


class Audience(StrEnum):
    EVERYONE = "everyone"  # listed in /aide and in the channels' command menus
    HIDDEN = "hidden"  # works for everyone, not listed (publishers' commands)
    ADMIN = "admin"  # only for administrators; others get the unknown-command answer


@dataclass(frozen=True, slots=True)
class Command:
    """A global command: it works in every state, with a French name and an English alias."""

    id: str
    french: str
    english: str
    description: str  # French msgid, translated on display
    audience: Audience = Audience.EVERYONE
    from_flow: bool = False  # its work is the actions under the flow's ``commands:`` key
    # Words that, typed alone without the slash, mean the command (« feuille de route »):
    # agents type what a button said, wherever they are in the parcours.
    phrases: tuple[str, ...] = ()

    def name_in(self, language: str) -> str:
        return self.french if language == "fr" else self.english


class FreeText(StrEnum):
    """Why free text reaches :meth:`Extension.on_free_text`."""

    UNEXPECTED = "unexpected"  # nothing in the conversation expected text here
    SURE_ONLY = "sure_only"  # typed where an answer was expected, and not a valid one
    EXPLICIT = "explicit"  # asked on purpose (``/question ...``): always answer


class Extension:
    """Base class of what a feature plugs into turns (see the module docstring)."""

    name: ClassVar[str] = ""
    commands: ClassVar[Sequence[Command]] = ()

    def on_command(self, turn: Turn, command: Command, args: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} declares {command.id!r} but does "
                                  "not run it")

    def on_payload(self, turn: Turn, payload: str) -> bool:
        """Handle one of its buttons; False: not one it made (refused as forged)."""
        return False

    def on_dialog_text(self, turn: Turn, text: str) -> bool:
        """Typed text while its dialog waits; False: the dialog is dropped, text goes on."""
        return False

    def on_free_text(self, turn: Turn, text: str, why: FreeText) -> bool:
        """Answer text nothing else expected; False: not for this extension."""
        return False

    def forget(self, tx: Transaction, key: str) -> int:
        """Erase this extension's rows about a pseudonym; returns how many."""
        return 0
