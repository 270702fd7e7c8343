"""One version of everything a turn reads: flows, actions, resolvers and the features' data.

The application builds a snapshot from ``flows/`` and ``content/`` and validates it as a
whole (``bot.app``); the engine serves one snapshot at a time and swaps it atomically on
a live reload. A turn pins the snapshot it starts with, so the flow, the recommendations,
the question index and the broadcast vocabularies it uses always come from one version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.flow import ActionSpec, Flow, ResolverSpec
from bot.engine.machine import CompiledFlow


@dataclass(frozen=True, slots=True)
class Snapshot:
    flows: Mapping[str, Flow]
    main_flow: str
    actions: Mapping[str, ActionSpec] = field(default_factory=dict)
    resolvers: Mapping[str, ResolverSpec] = field(default_factory=dict)
    parts: Mapping[str, Any] = field(default_factory=dict)  # feature name -> its loaded data
    content_version: str = ""
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    compiled: Mapping[str, CompiledFlow] = field(init=False)

    def __post_init__(self) -> None:
        if self.main_flow not in self.flows:
            raise ValueError(f"the main flow {self.main_flow!r} is not among the loaded flows")
        object.__setattr__(self, "compiled", {flow_id: CompiledFlow(flow)
                                              for flow_id, flow in self.flows.items()})

    @property
    def main(self) -> Flow:
        return self.flows[self.main_flow]

    def part(self, name: str) -> Any:
        """The data a feature loaded for this version (None if it loads nothing)."""
        return self.parts.get(name)
