"""The conversation engine. It knows flows and messages, and nothing of any network."""

from bot.engine.engine import Engine, QuestionContext, QuestionHook
from bot.engine.messages import Choice, Document, Incoming, Kind, Outgoing

__all__ = [
    "Choice",
    "Document",
    "Engine",
    "Incoming",
    "Kind",
    "Outgoing",
    "QuestionContext",
    "QuestionHook",
]
