"""How well the knowledge base covers the profiles it must serve (``essbot content coverage``).

The **matrix** crosses the type of collectivité, the theme and the step. A cell is *covered*
when at least :data:`MIN_LEVERS` levers and :data:`MIN_FUNDING` funding or support items
(kind ``funding``, shown as « Financements et appuis ») apply to it. An item applies to a cell
when its ``applies_to`` cannot leave it out for any territory of that type, at that step and
for that theme:

- its ``collectivites`` and ``steps`` include the cell's, or are not given;
- its ``themes`` include the cell's theme, or are not given: leaving ``themes:`` out declares
  the item relevant to **every** theme (a method, a status, a general funder), so it counts
  everywhere; an item that serves some themes only must name them;
- it is not restricted to ``contexts``, ``programmes`` or a ``region``: such an item does not
  reach every territory of the type, and is reported with its context or programme instead;
- its ``sizes`` cover every size class a territory of that type can have (a département, a
  région or an EPT always has 50 000 inhabitants or more).

For each **context** and **programme** of the taxonomy, the report lists the items that name
it, and the first profile whose recommendations (``recommend.recommendations``, full lists)
change when the territory has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.knowledge.model import RECOMMENDED_KINDS, Item, KnowledgeBase
from bot.knowledge.recommend import recommendations
from bot.knowledge.scoring import Profile

MIN_LEVERS = 3
MIN_FUNDING = 2
# Types whose every territory is in the largest size class (no upper bound in scoring.yaml).
LARGE_BY_NATURE = frozenset({"ept", "departement", "region"})
# Restrictions that keep an item away from some territories of a type: reported apart.
NARROWING = ("contexts", "programmes", "regions")


@dataclass(frozen=True, slots=True)
class Cell:
    type: str
    theme: str
    step: str
    levers: tuple[str, ...]
    funding: tuple[str, ...]
    # those of the levers and funding items that name the cell's theme (not generic ones)
    themed: tuple[str, ...] = ()

    @property
    def thin(self) -> bool:
        """Covered only by items that serve every theme: worth a themed item."""
        return not self.themed

    @property
    def empty(self) -> bool:
        return len(self.levers) < MIN_LEVERS or len(self.funding) < MIN_FUNDING


@dataclass(frozen=True, slots=True)
class Change:
    """A profile whose recommendations change when the territory has a context or
    programme: the items that enter the lists, and those they push out."""

    type: str
    theme: str
    step: str
    contexts: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Effect:
    """What one context or programme does to the recommendations."""

    dimension: str  # "contexts" | "programmes"
    value: str
    items: tuple[str, ...]  # the items restricted to it
    change: Change | None

    @property
    def idle(self) -> bool:
        return not self.items or self.change is None


@dataclass(frozen=True, slots=True)
class Coverage:
    cells: tuple[Cell, ...]
    contexts: tuple[Effect, ...]
    programmes: tuple[Effect, ...]
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def empty_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.empty]

    @property
    def idle(self) -> list[Effect]:
        return [effect for effect in (*self.contexts, *self.programmes) if effect.idle]

    @property
    def complete(self) -> bool:
        return not self.empty_cells and not self.idle


def possible_sizes(kb: KnowledgeBase, type_: str) -> frozenset[str]:
    """The size classes a territory of this type can fall in."""
    everything = frozenset(kb.vocabularies.get("sizes", {}))
    if type_ not in LARGE_BY_NATURE or kb.scoring is None:
        return everything
    open_ended = frozenset(name for name, _, high in kb.scoring.sizes if high is None)
    return open_ended or everything


def applies(item: Item, type_: str, theme: str, step: str, sizes: frozenset[str]) -> bool:
    """Whether the item reaches every territory of this type, for this theme and step."""
    if item.region is not None or any(item.restricts(key) for key in NARROWING):
        return False
    types = item.restricts("collectivites")
    steps = item.restricts("steps")
    themes = item.restricts("themes")
    item_sizes = item.restricts("sizes")
    return ((types is None or type_ in types) and (steps is None or step in steps)
            and (themes is None or theme in themes)
            and (item_sizes is None or sizes <= item_sizes))


def matrix(kb: KnowledgeBase) -> list[Cell]:
    vocab = kb.vocabularies
    levers, funding = kb.of_kind("lever"), kb.of_kind("funding")
    cells = []
    for step in vocab["steps"]:
        for type_ in vocab["collectivites"]:
            sizes = possible_sizes(kb, type_)
            for theme in vocab["themes"]:
                lever_ids = [i for i in levers if applies(i, type_, theme, step, sizes)]
                funding_ids = [i for i in funding if applies(i, type_, theme, step, sizes)]
                cells.append(Cell(
                    type_, theme, step, tuple(i.id for i in lever_ids),
                    tuple(i.id for i in funding_ids),
                    tuple(i.id for i in (*lever_ids, *funding_ids) if i.restricts("themes"))))
    return cells


def _lists(kb: KnowledgeBase, profile: Profile) -> dict[str, tuple[str, ...]]:
    return {kind: tuple(r.item.id for r in ranked)
            for kind, ranked in recommendations(kb, profile, "full").items()}


def _profiles(kb: KnowledgeBase, context_sets: Iterable[frozenset[str]]
              ) -> Iterator[tuple[str, str, str, frozenset[str]]]:
    vocab = kb.vocabularies
    for contexts in context_sets:
        for step in vocab["steps"]:
            for type_ in vocab["collectivites"]:
                for theme in vocab["themes"]:
                    yield type_, theme, step, contexts


def first_change(kb: KnowledgeBase, dimension: str, value: str) -> Change | None:
    """The first profile (type × theme × step, then with one context for a programme)
    whose full recommendation lists differ once the territory has this context or
    programme; None when no list ever changes."""
    if dimension == "contexts":
        context_sets: list[frozenset[str]] = [frozenset()]
    else:  # a programme may also need its territory's context (Villages d'avenir: rural)
        context_sets = [frozenset(), *(frozenset([c]) for c in kb.vocabularies["contexts"])]
    for type_, theme, step, contexts in _profiles(kb, context_sets):
        base = Profile(type=type_, contexts=contexts, themes=frozenset([theme]), step=step)
        if dimension == "contexts":
            other = Profile(type=type_, contexts=contexts | {value}, themes=base.themes,
                            step=step)
        else:
            other = Profile(type=type_, contexts=contexts, themes=base.themes, step=step,
                            programmes=frozenset([value]))
        before, after = _lists(kb, base), _lists(kb, other)
        if before != after:
            old = {i for ids in before.values() for i in ids}
            new = {i for ids in after.values() for i in ids}
            return Change(type_, theme, step, tuple(sorted(contexts)),
                          tuple(sorted(new - old)), tuple(sorted(old - new)))
    return None


def effects_of(kb: KnowledgeBase, dimension: str) -> list[Effect]:
    result = []
    for value in kb.vocabularies[dimension]:
        # the items restricted to it, or that fit it above all (`preferred_programmes`)
        items = tuple(item.id for kind in RECOMMENDED_KINDS
                      for item in kb.of_kind(kind)
                      if value in (item.restricts(dimension) or ())
                      or value in (item.restricts(f"preferred_{dimension}") or ()))
        change = first_change(kb, dimension, value) if items else None
        result.append(Effect(dimension, value, items, change))
    return result


def coverage(kb: KnowledgeBase) -> Coverage:
    vocab = {name: tuple(kb.vocabularies[name])
             for name in ("collectivites", "themes", "steps", "contexts", "programmes")}
    return Coverage(tuple(matrix(kb)), tuple(effects_of(kb, "contexts")),
                    tuple(effects_of(kb, "programmes")), vocab)


# -- output ---------------------------------------------------------------------------


def as_json(report: Coverage) -> dict:
    def effect(entry: Effect) -> dict:
        change = entry.change
        return {"items": list(entry.items),
                "changes": None if change is None else {
                    "type": change.type, "theme": change.theme, "step": change.step,
                    "contexts": list(change.contexts), "added": list(change.added),
                    "removed": list(change.removed)}}

    return {
        "rules": {"min_levers": MIN_LEVERS, "min_funding": MIN_FUNDING,
                  "items_without_themes": "count for every theme",
                  "restricted_to_contexts_or_programmes": "reported apart, not in cells"},
        "cells": [{"type": c.type, "theme": c.theme, "step": c.step,
                   "levers": list(c.levers), "funding": list(c.funding),
                   "themed": list(c.themed), "empty": c.empty}
                  for c in report.cells],
        "empty": [{"type": c.type, "theme": c.theme, "step": c.step}
                  for c in report.empty_cells],
        "contexts": {entry.value: effect(entry) for entry in report.contexts},
        "programmes": {entry.value: effect(entry) for entry in report.programmes},
        "complete": report.complete,
    }


def as_text(report: Coverage) -> str:
    vocab = report.vocabulary
    types, themes = vocab["collectivites"], vocab["themes"]
    by_key = {(c.type, c.theme, c.step): c for c in report.cells}
    width = max(len(theme) for theme in themes) + 2
    columns = [max(len(t), 7) + 2 for t in types]
    lines = [f"Coverage: levers/funding-and-support items per cell (a cell needs "
             f"≥ {MIN_LEVERS} levers and ≥ {MIN_FUNDING} funding or support items; items "
             "with no theme count for every theme; '!' marks an empty cell)."]
    for step in vocab["steps"]:
        header = "".join(t.ljust(w) for t, w in zip(types, columns, strict=True))
        lines += ["", f"Step: {step}", "theme".ljust(width) + header]
        for theme in themes:
            row = theme.ljust(width)
            for type_, w in zip(types, columns, strict=True):
                cell = by_key[(type_, theme, step)]
                mark = f"{len(cell.levers)}/{len(cell.funding)}" + (" !" if cell.empty else "")
                row += mark.ljust(w)
            lines.append(row.rstrip())
    empty = report.empty_cells
    lines += ["", f"Empty cells: {len(empty)}" + ("" if empty else " (none)")]
    for cell in empty:
        lines.append(f"  {cell.type} × {cell.theme} × {cell.step}: "
                     f"{len(cell.levers)} lever(s) ({', '.join(cell.levers) or '-'}), "
                     f"{len(cell.funding)} funding (" + (', '.join(cell.funding) or '-') + ")")
    thin = [c for c in report.cells if c.thin and not c.empty]
    lines += ["", f"Thin cells (covered only by items that serve every theme): {len(thin)}"]
    for step in vocab["steps"]:
        names = sorted({f"{c.theme}" for c in thin if c.step == step})
        if names:
            lines.append(f"  {step}: " + ", ".join(
                f"{name} ({', '.join(c.type for c in thin if c.step == step and c.theme == name)})"
                for name in names))
    for title, entries in (("Contexts", report.contexts), ("Programmes", report.programmes)):
        lines += ["", f"{title}: the items restricted to each, and a profile it changes"]
        for entry in entries:
            lines.append(f"  {entry.value}: {len(entry.items)} item(s): "
                         + (", ".join(entry.items) or "none"))
            change = entry.change
            if change is None:
                lines.append("    changes no recommendation !")
                continue
            where = f"{change.type} × {change.theme} × {change.step}"
            if change.contexts:
                where += f" ({', '.join(change.contexts)})"
            lines.append(f"    e.g. {where}: + {', '.join(change.added) or '-'}"
                         f"; - {', '.join(change.removed) or '-'}")
    return "\n".join(lines)
