"""The composition root: the application assembled from its settings.

This is the only module that knows every part. :class:`App` opens the store, builds the
features (:mod:`bot.feature`), loads flows and content into one validated
:class:`~bot.engine.snapshot.Snapshot`, hands both to the engine, and reloads the
snapshot as a whole when files change. Channels are found the same way in
:mod:`bot.runner`. Nothing else looks features up: each gets, at construction, the
callables it needs.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.admin.access import Admins
from bot.config import Settings
from bot.engine import Engine, Snapshot
from bot.engine.commands import CORE_COMMANDS
from bot.engine.flow import ActionSpec, Flow, ResolverSpec
from bot.engine.flowparse import FlowEnvironment, load_flows
from bot.feature import Content, Contribution, Feature
from bot.i18n import SUPPORTED_LANGUAGES
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.knowledge.rsa_state import RSA_FILE, read_state_rsa
from bot.qa.synonyms import SYNONYMS_FILE, load_synonyms
from bot.reload import ReloadResult, content_version
from bot.store import Store
from bot.store.crypto import REPLY_OUTBOX, AddressCipher
from bot.store.pseudonym import Pseudonymizer, load_or_create_secret
from bot.store.replies import ReplyOutbox
from bot.yamlsrc import Position, Problem

log = logging.getLogger(__name__)


class InvalidConfiguration(Exception):
    """Flows or content have errors; ``problems`` says where and what."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Loaded:
    """One version of flows and content, with every problem found in it."""

    knowledge: KnowledgeBase
    flows: dict[str, Flow]
    environment: FlowEnvironment
    content_problems: list[Problem]
    flow_problems: list[Problem]
    contributions: dict[str, Contribution]

    @property
    def problems(self) -> list[Problem]:
        return self.content_problems + self.flow_problems

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def load_content(content_dir: Path, root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """The knowledge base, and the problems of every content file (synonyms included)."""
    knowledge, problems = load_knowledge(content_dir, root)
    problems += load_synonyms(content_dir / SYNONYMS_FILE, root)[1]
    if (content_dir / RSA_FILE).is_file():  # where the State pays the RSA
        problems += read_state_rsa(content_dir / RSA_FILE, root)[1]
    return knowledge, problems


def default_features(settings: Settings, store: Store | None = None,
                     app: App | None = None) -> list[Feature]:
    """essbot's features, in the order they are offered free text and listed in /aide.

    Without a store (validating files from the command line) the features are built for
    loading only.
    """
    from bot.admin.feature import AdminFeature
    from bot.broadcast.feature import BroadcastFeature
    from bot.knowledge.feature import KnowledgeFeature
    from bot.qa.feature import QuestionsFeature

    features: list[Feature] = [KnowledgeFeature(),
                               QuestionsFeature(settings.questions_retention_days)]
    if store is not None:
        features.append(BroadcastFeature.from_settings(settings, store, {}))
    if app is not None:
        features.append(AdminFeature(settings, app.admins, app.reload, app.stats_report,
                                     app.purge))
    return features


def load_all(settings: Settings, features: Sequence[Feature] | None = None,
             root: Path | None = None) -> Loaded:
    """Load content, then flows against it and the features' contributions; collect every
    problem of all of them (nothing is served from here)."""
    root = root or Path.cwd()  # problems name files relative to where the command runs
    features = default_features(settings) if features is None else features
    knowledge, problems = load_content(settings.content_dir, root)
    content = Content(knowledge, settings.content_dir, root)
    contributions: dict[str, Contribution] = {}
    actions: dict[str, ActionSpec] = {}
    resolvers: dict[str, ResolverSpec] = {}
    for feature in features:
        contribution = feature.load(content)
        contributions[feature.name] = contribution
        actions.update(contribution.actions)
        resolvers.update(contribution.resolvers)
        problems += list(contribution.problems)
    flow_commands = frozenset(c.id for c in (*CORE_COMMANDS,
                                             *(c for f in features for c in f.commands))
                              if c.from_flow)
    environment = FlowEnvironment(
        vocabularies=knowledge.vocabularies,
        content_ids=frozenset(knowledge.items),
        actions=actions,
        languages=SUPPORTED_LANGUAGES,
        resolvers=resolvers,
        flow_commands=flow_commands,
    )
    flows, flow_problems = load_flows(settings.flows_dir, environment, root)
    flow_problems += required_slot_problems(flows.get(settings.main_flow), features)
    return Loaded(knowledge, flows, environment, problems, flow_problems, contributions)


def required_slot_problems(flow: Flow | None, features: Sequence[Feature]) -> list[Problem]:
    """The slots features read must exist in the main flow, with their vocabulary."""
    if flow is None:
        return []
    problems = []
    for feature in features:
        for name, vocabulary in feature.required_slots.items():
            slot = flow.slots.get(name)
            where = (slot.position if slot else None) or flow.slots_position \
                or Position(flow.source, 1, 1)
            if slot is None:
                problems.append(Problem(where, f"the main flow needs a slot '{name}'"
                                        + (f" (vocabulary: {vocabulary})" if vocabulary else "")
                                        + f": the {feature.name} feature reads it"))
            elif vocabulary is not None and slot.vocabulary != vocabulary:
                problems.append(Problem(where, f"slot '{name}' must take its values from the "
                                               f"vocabulary '{vocabulary}': the "
                                               f"{feature.name} feature reads it"))
    return problems


def snapshot_of(loaded: Loaded, settings: Settings) -> Snapshot:
    """A servable snapshot of a version without errors (``InvalidConfiguration`` else)."""
    errors = loaded.errors
    if not errors and settings.main_flow not in loaded.flows:
        errors = [Problem(None, f"the main flow '{settings.main_flow}' (ESSBOT_MAIN_FLOW) is "
                                f"not in {settings.flows_dir}")]
    if errors:
        raise InvalidConfiguration(errors)
    return Snapshot(
        flows=loaded.flows, main_flow=settings.main_flow,
        actions=dict(loaded.environment.actions), resolvers=dict(loaded.environment.resolvers),
        parts={name: c.part for name, c in loaded.contributions.items()},
        content_version=content_version(settings),
    )


class App:
    """The running application: settings, store, features and engine, wired once."""

    def __init__(self, settings: Settings, store: Store | None = None,
                 features: Sequence[Feature] | None = None):
        self.settings = settings
        self.root = Path.cwd()
        self.admins = Admins(settings.admins)
        for entry in self.admins.invalid:
            log.warning("ESSBOT_ADMINS: ignored %r, expected channel:user_id "
                        "(e.g. telegram:12345)", entry)
        self.store = store if store is not None else Store(settings.db_path)
        secret = load_or_create_secret(settings.secret, Path(settings.db_path).parent)
        self.pseudonymize = Pseudonymizer(secret)
        self.outbox = ReplyOutbox(self.store, AddressCipher(secret, REPLY_OUTBOX))
        self.features = list(features if features is not None
                             else default_features(settings, self.store, self))
        for feature in self.features:
            if feature.migrations:
                self.store.migrate_feature(feature.name, feature.migrations)
        self._reload_lock = threading.Lock()
        snapshot = snapshot_of(load_all(settings, self.features, self.root), settings)
        self.engine = Engine(snapshot, self.store, self.pseudonymize, self.features,
                             default_language=settings.default_language,
                             is_admin=self.is_admin, outbox=self.outbox)

    def is_admin(self, channel: str, user_id: str) -> bool:
        return (channel, user_id) in self.admins

    def feature(self, name: str) -> Feature | None:
        return next((f for f in self.features if f.name == name), None)

    def close(self) -> None:
        self.store.close()

    # -- live reload --------------------------------------------------------------------------

    def reload(self, trigger: str) -> ReloadResult:
        """Load and validate flows and content as a whole; serve them if there is no error.

        One reload at a time; turns running meanwhile finish on the version they pinned.
        """
        with self._reload_lock:
            try:
                loaded = load_all(self.settings, self.features, self.root)
                snapshot = snapshot_of(loaded, self.settings)
            except InvalidConfiguration as invalid:
                result = ReloadResult(False, trigger, invalid.problems)
            except Exception as exc:  # a bug must not take the running version down
                log.exception("live reload failed")
                result = ReloadResult(False, trigger, [Problem(None, f"cannot load: {exc}")])
            else:
                self.engine.swap(snapshot)
                result = ReloadResult(True, trigger,
                                      versions={f.id: f.version for f in snapshot.flows.values()},
                                      content=snapshot.content_version)
        for line in result.log_lines():
            (log.warning if result.ok else log.error)("%s", line)
        return result

    # -- administrators' reports ------------------------------------------------------------

    def stats_report(self, since: str | None = None) -> dict[str, Any]:
        """The statistics of the anonymised log (``/stats``, ``essbot stats``)."""
        from bot.admin import stats
        from bot.qa.storage import unanswered_questions

        snapshot = self.engine.snapshot
        with self.store.reading():
            events = self.store.events()
        if since:
            events = [e for e in events if e["ts"] >= since]
        return stats.compute(events, unanswered_questions(self.store, since=since), since,
                             snapshot.flows, snapshot.main_flow)

    def purge(self, days: int | None = None, dry_run: bool = False,
              now: dt.datetime | None = None) -> Any:
        """Apply the retention to the log and to the features' dated logs."""
        from bot.admin.purge import purge

        return purge(self.store, days or self.settings.retention_days, dry_run, now,
                     others=[f.purge for f in self.features])


def build_engine(settings: Settings, store: Store | None = None) -> Engine:
    """The engine of a new :class:`App` (for scripts and tests that need only the engine)."""
    return App(settings, store).engine
