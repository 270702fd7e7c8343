"""The conversation engine. It knows flows and messages, and nothing of any network."""

from bot.engine.engine import Engine
from bot.engine.extension import Audience, Command, Extension, FreeText
from bot.engine.messages import Choice, Document, Incoming, Kind, Outgoing
from bot.engine.snapshot import Snapshot
from bot.engine.turn import Turn

__all__ = [
    "Audience",
    "Choice",
    "Command",
    "Document",
    "Engine",
    "Extension",
    "FreeText",
    "Incoming",
    "Kind",
    "Outgoing",
    "Snapshot",
    "Turn",
]
