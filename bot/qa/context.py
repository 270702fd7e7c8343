"""What the conversation already knows of the asker, for a question asked mid-flow.

A town hall agent who has said « commune de Roubaix, emploi et insertion, mobilité » and then
asks « qui finance ? » means: who funds emploi, insertion and mobilité for a commune of the
Hauts-de-France. The search reads this context (:class:`AskContext`) in two ways
(``bot.qa.search``):

- a question with no subject of its own is completed with the profile's themes, as if the
  agent had named them; a subject the agent names is never replaced;
- among the items found, those that do not apply to the profile (another type of
  collectivité, a context it is not in, an example of another région) give way to those
  that do: a preference in the order, never a filter nor a change of score.

The same context serves every channel (they share the engine and this feature) and
``essbot ask`` (its ``--type``, ``--region``, ``--context``, ``--themes`` options).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.knowledge.model import KnowledgeBase
from bot.knowledge.profile import OVERSEAS_REGIONS

# The slots of the main flow the context is read from, with their vocabulary (the questions
# feature declares them in its ``required_slots``).
SLOTS: Mapping[str, str] = {"collectivite": "collectivites", "region": "regions",
                            "contexte": "contexts", "themes": "themes"}
# Read when the flow has it, not required of every flow (an administrator's flow without a
# territory resolver has no levels to say): the levels whose competences the collectivité
# exercises besides its own (the CTG, Mayotte, the Métropole de Lyon).
OPTIONAL_SLOTS: Mapping[str, str] = {"competences": "collectivites"}
CONTENT_LANGUAGE = "fr"  # the knowledge base is written in French: so are the themes' words


@dataclass(frozen=True, slots=True)
class AskContext:
    collectivite: str | None = None  # the type of collectivité (taxonomy id)
    region: str | None = None  # the région code
    contexts: frozenset[str] = frozenset()  # rural, qpv, outre-mer...
    themes: tuple[str, ...] = ()  # theme ids, in the order the agent chose them
    theme_words: tuple[str, ...] = ()  # their labels, as the agent would name them
    # the levels whose competences the collectivité exercises, from its status (the
    # Collectivité territoriale de Guyane: a région's and a département's; the Métropole de
    # Lyon: an EPCI's and a département's): an item meant for one of them applies to it
    competences: frozenset[str] = frozenset()

    def fits(self, kinds: frozenset[str]) -> bool:
        """Whether an item meant for these types of collectivité applies to the asker: its
        type is one of them, or a level whose competences it exercises."""
        return not self.collectivite or self.collectivite in kinds or bool(
            self.competences & kinds)

    @property
    def hexagone(self) -> bool:
        """Whether the région says the territory is not overseas (an item for the outre-mer
        only does not fit it, whatever contexts the agent picked)."""
        return self.region is not None and self.region not in OVERSEAS_REGIONS

    def __bool__(self) -> bool:
        return bool(self.collectivite or self.region or self.contexts or self.themes)


def _values(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, Iterable):
        return tuple(v for v in value if isinstance(v, str) and v)
    return ()


def ask_context(knowledge: KnowledgeBase, collectivite: object = None, region: object = None,
                contexts: object = None, themes: object = None,
                competences: object = None) -> AskContext:
    """The context of a profile; values the taxonomy does not know are left out."""
    vocabularies = knowledge.vocabularies

    def known(vocabulary: str, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v for v in values if v in vocabularies.get(vocabulary, {}))

    kinds = known("collectivites", _values(collectivite))
    regions = known("regions", _values(region))
    chosen = known("themes", _values(themes))
    labels = []
    for theme in chosen:
        texts = vocabularies["themes"][theme].texts or {}
        labels.append(texts.get(CONTENT_LANGUAGE) or theme.replace("-", " "))
    return AskContext(kinds[0] if kinds else None, regions[0] if regions else None,
                      frozenset(known("contexts", _values(contexts))), chosen, tuple(labels),
                      frozenset(known("collectivites", _values(competences))))


def from_slots(knowledge: KnowledgeBase, slots: Mapping[str, object]) -> AskContext:
    """The context of a conversation's slots (see :data:`SLOTS` and :data:`OPTIONAL_SLOTS`)."""
    return ask_context(knowledge, slots.get("collectivite"), slots.get("region"),
                       slots.get("contexte"), slots.get("themes"), slots.get("competences"))
