"""``essbot flows graph``: find the flow to draw, mark its problems, render SVG/PNG.

A flow with graph problems (an unreachable state, a dead end) is not served, but it is
exactly the one an administrator needs to see: it is drawn anyway, from the parser's
draft, with the faulty states in red.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import load_all
from bot.config import Settings
from bot.engine.flow import Flow
from bot.engine.flowparse import FlowEnvironment, FlowParser
from bot.engine.graph import unreachable_states
from bot.yamlsrc import Problem, display_name, load_marked

GRAPHVIZ_FORMATS = ("svg", "png")
GRAPHVIZ_HINT = (
    "Graphviz is not installed: the 'dot' program draws svg and png diagrams.\n"
    "Install it with:\n"
    "  sudo apt install graphviz    (Debian, Ubuntu)\n"
    "  brew install graphviz        (macOS)\n"
    "then run this command again. The mermaid and dot formats need nothing: paste them\n"
    "into https://mermaid.live or any Graphviz viewer."
)


class GraphvizMissing(Exception):
    """The ``dot`` program is not on PATH."""


@dataclass(slots=True)
class Drawable:
    flow: Flow | None
    problems: list[Problem] = field(default_factory=list)  # of this flow's file
    highlight: dict[str, str] = field(default_factory=dict)  # state -> why it is marked
    valid: list[str] = field(default_factory=list)  # ids of the flows without errors


def _state_of(flow: Flow, problem: Problem) -> str | None:
    """The state whose block holds the problem: the last one starting at or before it."""
    if problem.position is None or problem.position.file != flow.source:
        return None
    found = None
    for name, state in flow.states.items():
        if state.position.line <= problem.position.line and (
                found is None or state.position.line >= flow.states[found].position.line):
            found = name
    return found


def find_flow(settings: Settings, flow_id: str) -> Drawable:
    loaded = load_all(settings)
    flow = loaded.flows.get(flow_id)
    problems = list(loaded.flow_problems)
    valid = sorted(loaded.flows)
    if flow is None:
        flow = _draft(settings, flow_id, loaded.environment)
    if flow is None:
        return Drawable(None, problems, valid=valid)
    mine = [p for p in problems if p.position and p.position.file == flow.source]
    highlight = {name: "unreachable from the start" for name in unreachable_states(flow)}
    for problem in mine:
        state = _state_of(flow, problem)
        if state is not None:
            highlight.setdefault(state, problem.message)
    return Drawable(flow, mine, highlight, valid)


def _draft(settings: Settings, flow_id: str, environment: FlowEnvironment) -> Flow | None:
    """The flow built from its file despite graph-level errors, if it got that far."""
    root = Path.cwd()
    for path in sorted(Path(settings.flows_dir).glob("*.y*ml")):
        try:
            text = path.read_text(encoding="utf-8")
            document = load_marked(text, display_name(path, root))
        except (OSError, UnicodeDecodeError, Problem):
            continue
        if not isinstance(document, dict) or document.get("id") != flow_id:
            continue
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        parser = FlowParser(environment, display_name(path, root), digest)
        return parser.parse(document) or parser.draft
    return None


def render(dot_text: str, fmt: str) -> bytes:
    """SVG or PNG bytes from DOT text, by Graphviz."""
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing(GRAPHVIZ_HINT)
    result = subprocess.run([dot, f"-T{fmt}"], input=dot_text.encode(), capture_output=True,
                            timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError("Graphviz failed: " + result.stderr.decode(errors="replace"))
    return result.stdout
