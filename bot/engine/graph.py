"""Diagrams of a flow, as Mermaid or Graphviz DOT text.

``highlight`` maps state names to a short reason (unreachable, a validation
problem): those states are drawn in red, so that an administrator sees at once
where the flow needs work.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping

from bot.engine.flow import Branch, Flow
from bot.i18n import translator

MAX_LABEL = 60
HIGHLIGHT_FILL, HIGHLIGHT_STROKE = "#ffd6d6", "#cc0000"


def unreachable_states(flow: Flow) -> set[str]:
    """States no path from ``start`` leads to."""
    reachable, todo = {flow.start}, [flow.start]
    while todo:
        state = flow.states.get(todo.pop())
        for branch in state.exits() if state else ():
            if branch.target not in reachable:
                reachable.add(branch.target)
                todo.append(branch.target)
    return set(flow.states) - reachable


def questions_to_end(flow: Flow, state_name: str) -> int | None:
    """How many questions (states that wait for the user, this one included) lie on the
    shortest way from ``state_name`` to a final state; None if no final state is reached.
    Conditions are not evaluated: a branch the answers would rule out still counts."""
    best = {state_name: 0}
    todo = deque([state_name])
    while todo:
        name = todo.popleft()
        state = flow.states.get(name)
        if state is None:
            continue
        cost = best[name] + (1 if state.waits_for_user else 0)
        if state.final and name != state_name:
            continue
        for branch in state.exits():
            if branch.target not in best or cost < best[branch.target]:
                best[branch.target] = cost
                todo.append(branch.target)
    ends = [cost for name, cost in best.items()
            if name != state_name and flow.states[name].final]
    return min(ends) if ends else None


def _edges(flow: Flow, language: str) -> dict[tuple[str, str], list[str]]:
    """(source, target) -> the labels of every way from one to the other."""
    t = translator(language)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(source: str, branches: tuple[Branch, ...], label: str) -> None:
        for branch in branches:
            text = label
            if branch.condition is not None:
                text = f"{label} [{branch.condition.describe()}]".strip()
            edges[(source, branch.target)].append(text)

    for name, state in flow.states.items():
        for choice in state.choices:
            add(name, choice.branches, choice.label.render(t))
        if state.input is not None:
            add(name, state.input.branches, f"‹{state.input.slot}›")
        add(name, state.branches, "")
    return edges


def _label(labels: list[str]) -> str:
    text = " | ".join(label for label in labels if label)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def to_mermaid(flow: Flow, language: str = "fr",
               highlight: Mapping[str, str] | None = None) -> str:
    def clean(text: str) -> str:
        return text.replace(":", " ").replace('"', "'").replace(";", ",")

    lines = ["stateDiagram-v2", f"    [*] --> {flow.start}"]
    for (source, target), labels in _edges(flow, language).items():
        label = clean(_label(labels))
        lines.append(f"    {source} --> {target}" + (f": {label}" if label else ""))
    for name, state in flow.states.items():
        if state.final:
            lines.append(f"    {name} --> [*]")
    marked = [name for name in flow.states if name in (highlight or {})]
    if marked:
        lines.append(f"    classDef problem fill:{HIGHLIGHT_FILL},stroke:{HIGHLIGHT_STROKE},"
                     "stroke-width:2px")
        lines.append(f"    class {','.join(marked)} problem")
    return "\n".join(lines) + "\n"


def to_dot(flow: Flow, language: str = "fr",
           highlight: Mapping[str, str] | None = None) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"digraph {quote(flow.id)} {{", "    rankdir=LR;", "    node [shape=box];",
             f"    __start [shape=point]; __start -> {quote(flow.start)};"]
    for name, state in flow.states.items():
        if state.final:
            lines.append(f"    {quote(name)} [peripheries=2];")
        if highlight and name in highlight:
            lines.append(f"    {quote(name)} [style=filled, fillcolor={quote(HIGHLIGHT_FILL)},"
                         f" color={quote(HIGHLIGHT_STROKE)}, penwidth=2,"
                         f" tooltip={quote(highlight[name])}];")
    for (source, target), labels in _edges(flow, language).items():
        label = _label(labels)
        attributes = f" [label={quote(label)}]" if label else ""
        lines.append(f"    {quote(source)} -> {quote(target)}{attributes};")
    lines.append("}")
    return "\n".join(lines) + "\n"
