"""The examples in the documentation work as written."""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import load_all
from bot.config import Settings
from bot.engine.flowparse import parse_flow_text


def test_the_complete_flow_of_docs_flows_md_is_valid():
    text = Path("docs/flows.md").read_text(encoding="utf-8")
    example = re.search(r"## A small, complete flow\n\n```yaml\n(.*?)```", text, re.S).group(1)
    environment = load_all(Settings.from_env({})).environment
    flow, problems = parse_flow_text(example, "docs/flows.md", environment)
    assert problems == [] and flow is not None
    assert set(flow.states) == {"accueil", "collectivite", "territoire", "aiguillage",
                                "region", "fin"}
