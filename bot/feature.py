"""How a feature plugs into essbot: one class, one way, for built-in features and new ones.

A :class:`Feature` is an :class:`~bot.engine.extension.Extension` (what it does in a
conversation turn: commands, buttons, dialogs, free text, rows to forget) plus what the
application needs from it:

- :attr:`~Feature.required_slots`: the slots of the main flow it reads, with their
  vocabulary; checked when flows load, so that renaming a slot in ``parcours.yaml`` is
  an error with its ``file:line``, not a silent breakage;
- :attr:`~Feature.migrations`: its tables, created and upgraded in its own namespace;
- :meth:`~Feature.load`: what it derives from the content for one version (flow actions,
  resolvers, an index...), validated with everything else before a version is served;
- :meth:`~Feature.purge`: the retention of a dated log it keeps;
- :meth:`~Feature.start` / :meth:`~Feature.stop`: its background work under ``essbot run``.

:mod:`bot.app` builds the list of features from the settings and wires them; nothing
else names them. See docs/architecture.md, "Adding a feature".
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from bot.engine.extension import Extension
from bot.engine.flow import ActionSpec, ResolverSpec
from bot.store.migrations import Migration
from bot.yamlsrc import Problem

if TYPE_CHECKING:
    from bot.channels.base import Channel
    from bot.engine.dispatch import Dispatcher
    from bot.engine.engine import Engine
    from bot.knowledge.model import KnowledgeBase
    from bot.store import Store, Transaction


@dataclass(frozen=True, slots=True)
class Content:
    """What was loaded from ``content/`` for one version, handed to every feature."""

    knowledge: KnowledgeBase
    directory: Path
    root: Path  # problems name files relative to it


@dataclass(frozen=True, slots=True)
class Contribution:
    """What a feature adds to one version: its data, flow actions, resolvers, problems."""

    part: Any = None  # reachable in a turn with ``turn.part(feature.name)``
    actions: Mapping[str, ActionSpec] = field(default_factory=dict)
    resolvers: Mapping[str, ResolverSpec] = field(default_factory=dict)
    problems: Sequence[Problem] = ()


@dataclass
class Runtime:
    """What a feature's background work may use while ``essbot run`` serves users."""

    engine: Engine
    store: Store
    channels: Sequence[Channel]
    dispatcher: Dispatcher
    executor: Executor | None
    reload: Any  # callable(trigger) -> ReloadResult, see bot.app.App.reload
    _tasks: set[asyncio.Task] = field(default_factory=set)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task:
        """Run ``coroutine`` in the background until the runner stops."""
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def cancel_tasks(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class Feature(Extension):
    """Base class of essbot's features (see the module docstring)."""

    required_slots: ClassVar[Mapping[str, str | None]] = {}  # slot -> vocabulary (None: any)
    migrations: ClassVar[Sequence[Migration]] = ()

    def load(self, content: Content) -> Contribution:
        """What this feature derives from a version of the content."""
        return Contribution()

    def purge(self, tx: Transaction, cutoff: str, dry_run: bool) -> int:
        """Apply the retention (``ESSBOT_RETENTION_DAYS``) to a dated log this feature
        keeps: rows older than ``cutoff`` (ISO time), deleted or counted."""
        return 0

    def start(self, runtime: Runtime) -> None:
        """Start background work (``runtime.spawn``); called once the channels run."""

    async def stop(self) -> None:
        """Stop background work; called before the channels stop."""
