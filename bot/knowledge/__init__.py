"""The ESS knowledge base: content loading, validation and recommendations."""

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Item, KnowledgeBase, Source
from bot.knowledge.recommend import knowledge_actions

__all__ = ["Item", "KnowledgeBase", "Source", "knowledge_actions", "load_knowledge"]
