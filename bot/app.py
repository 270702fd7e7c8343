"""Assemble the bot from settings: content, flows, store and engine.

This is the only place that knows every part; channels receive a ready Engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.engine import Engine
from bot.engine.flow import Flow
from bot.engine.flowparse import FlowEnvironment, load_flows
from bot.i18n import SUPPORTED_LANGUAGES
from bot.knowledge import KnowledgeBase, knowledge_actions, load_knowledge
from bot.knowledge.profile import load_territories, territory_resolver
from bot.knowledge.territory import default_territory_path
from bot.qa.hook import QuestionService
from bot.qa.synonyms import SYNONYMS_FILE, load_synonyms
from bot.store import Store
from bot.store.pseudonym import Pseudonymizer, load_or_create_secret
from bot.yamlsrc import Problem


class InvalidConfiguration(Exception):
    """Flows or content have errors; ``problems`` says where and what."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Loaded:
    knowledge: KnowledgeBase
    flows: dict[str, Flow]
    environment: FlowEnvironment
    content_problems: list[Problem]
    flow_problems: list[Problem]

    @property
    def problems(self) -> list[Problem]:
        return self.content_problems + self.flow_problems


def load_content(content_dir: Path, root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """The knowledge base, and the problems of every content file (synonyms included)."""
    knowledge, problems = load_knowledge(content_dir, root)
    problems += load_synonyms(content_dir / SYNONYMS_FILE, root)[1]
    return knowledge, problems


def load_all(settings: Settings) -> Loaded:
    """Load content, then flows against it; collects every problem of both."""
    root = Path.cwd()  # problems name files relative to where the command runs
    knowledge, problems = load_content(settings.content_dir, root)
    resolvers = {}
    territories = default_territory_path(settings.content_dir)
    if territories.exists():  # without it, flows that resolve territories fail validation
        resolvers["territory"] = territory_resolver(load_territories(territories),
                                                    knowledge.scoring)
    environment = FlowEnvironment(
        vocabularies=knowledge.vocabularies,
        content_ids=frozenset(knowledge.items),
        actions=knowledge_actions(knowledge),
        languages=SUPPORTED_LANGUAGES,
        resolvers=resolvers,
    )
    flows, flow_problems = load_flows(settings.flows_dir, environment, root)
    return Loaded(knowledge, flows, environment, problems, flow_problems)


def build_engine(settings: Settings, store: Store | None = None) -> Engine:
    loaded = load_all(settings)
    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors:
        raise InvalidConfiguration(errors)
    if settings.main_flow not in loaded.flows:
        raise InvalidConfiguration([Problem(None, f"the main flow '{settings.main_flow}' "
                                                  f"(ESSBOT_MAIN_FLOW) is not in "
                                                  f"{settings.flows_dir}")])
    if store is None:
        store = Store(settings.db_path)
    secret = load_or_create_secret(settings.secret, Path(settings.db_path).parent)
    # Free-text questions; the index follows changes of content/ by itself.
    questions = QuestionService.create(loaded.knowledge, settings.content_dir, store, Path.cwd())
    engine = Engine(
        loaded.flows,
        settings.main_flow,
        store,
        Pseudonymizer(secret),
        actions=loaded.environment.actions,
        resolvers=loaded.environment.resolvers,
        question_hook=questions,
        default_language=settings.default_language,
    )
    engine.route_payloads(questions.prefix, questions.on_payload)
    from bot.admin.service import AdminService  # it reloads through load_all, defined here

    engine.admin = AdminService(settings, engine)
    from bot.broadcast import install as install_broadcast  # it needs the engine's store

    install_broadcast(engine, settings, loaded.knowledge.vocabularies)
    return engine
