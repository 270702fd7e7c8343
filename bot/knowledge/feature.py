"""The knowledge base as a feature: the flow actions that recommend, the ``territory``
resolver, and the ``/feuille`` command whose work the flow gives (``commands: plan``)."""

from __future__ import annotations

from bot.engine.extension import Command
from bot.feature import Content, Contribution, Feature
from bot.i18n import N_
from bot.knowledge.profile import load_territories, territory_resolver
from bot.knowledge.recommend import knowledge_actions
from bot.knowledge.territory import default_territory_path


class KnowledgeFeature(Feature):
    name = "kb"
    commands = (Command("plan", "feuille", "plan", N_("recevoir votre feuille de route"),
                        from_flow=True),)

    def load(self, content: Content) -> Contribution:
        knowledge = content.knowledge
        resolvers = {}
        territories = default_territory_path(content.directory)
        if territories.exists():  # without it, flows that resolve territories fail validation
            resolvers["territory"] = territory_resolver(load_territories(territories),
                                                        knowledge.scoring)
        return Contribution(part=knowledge, actions=knowledge_actions(knowledge),
                            resolvers=resolvers)
