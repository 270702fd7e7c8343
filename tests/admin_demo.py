"""The stable demo flow of the administrators' tests (tests/data/admin_flows/demo.yaml)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.config import Settings

DEMO_FLOWS = Path(__file__).parent / "data" / "admin_flows"
DEMO_ENV = {"ESSBOT_FLOWS_DIR": str(DEMO_FLOWS), "ESSBOT_MAIN_FLOW": "demo"}
# accueil -> collectivite -> territoire -> avis -> themes -> recommandations -> fin
FULL = ["/start", "Commencer", "Commune", "Rennes", "Oui", "Alimentation"]


def demo(settings: Settings, **changes) -> Settings:
    return replace(settings, flows_dir=DEMO_FLOWS, main_flow="demo", **changes)
