"""Usage statistics from the anonymised event log, with small groups suppressed.

Every figure counts *conversations* (pseudonyms), and any group of fewer than
:data:`MIN_GROUP` conversations is replaced by ``None`` (shown « < 5 »), so that
nobody can be singled out: « the only région Corse commune » is a person.

The report is a plain dict (the ``--json`` output); the text renderers and the
chart read that dict only, so nothing they show can bypass the suppression.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from bot.engine.flow import Flow
from bot.i18n import Translator

MIN_GROUP = 5
SUPPRESSED = "< 5"
TOP_ITEMS = 15
TOP_QUESTIONS = 10
# Profile slots first, in this order; any other slot found in the log follows.
PROFILE_SLOTS = ("collectivite", "region", "contexte", "themes", "etape")


def shown(count: int) -> int | None:
    """The count itself, or None when it is too small to publish (1 to 4: 0 names nobody)."""
    return count if count >= MIN_GROUP or count == 0 else None


def _rate(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def compute(events: Iterable[Mapping[str, Any]],
            unanswered: Iterable[Mapping[str, Any]] | None = None, since: str | None = None,
            flows: Mapping[str, Flow] | None = None, main_flow: str = "parcours",
            language: str = "fr") -> dict[str, Any]:
    """The whole report, JSON-ready, every group of fewer than 5 conversations as None.

    ``events``: the log's events tied to a conversation, since ``since``, in order;
    ``unanswered``: the unanswered questions ({question, count}), or None when this
    database records none.
    """
    from bot.i18n import translator

    rows = [row for row in events if row["conversation"] is not None]
    flows = flows or {}
    t = translator(language)
    started: set[str] = set()
    completed: set[str] = set()
    reached: dict[str, set[str]] = defaultdict(set)
    last: dict[str, str] = {}
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    items: dict[str, set[str]] = defaultdict(set)
    questions: dict[str, set[str]] = defaultdict(set)
    asked: set[str] = set()
    for row in rows:
        who, kind = row["conversation"], row["kind"]
        if kind == "conversation_started":
            started.add(who)
        elif kind == "completed":
            completed.add(who)
        elif kind == "slot_set" and row["value"]:
            for value in row["value"].split(","):
                values[row["slot"]][value].add(who)
        elif kind == "recommended" and row["items"]:
            for item in json.loads(row["items"]):
                items[item].add(who)
        elif kind == "question":
            asked.add(who)
            if row["detail"]:
                questions[row["detail"]].add(who)
        if row["flow"] == main_flow:
            position = row["target"] if kind in ("transition", "state_missing") else None
            position = position or (row["state"] if kind in (
                "conversation_started", "restart", "transition") else None)
            if position:
                reached[position].add(who)
                last[who] = position
    flow = flows.get(main_flow)
    order = list(flow.states) if flow else []
    order += [state for state in sorted(reached, key=lambda s: -len(reached[s]))
              if state not in order]
    stopped = Counter(state for who, state in last.items() if who not in completed)
    steps = []
    for state in order:
        if state not in reached:
            continue
        here, left = shown(len(reached[state])), shown(stopped.get(state, 0))
        steps.append({"state": state, "reached": here, "stopped": left,
                      "drop_off_percent": _rate(left, here)})
    report: dict[str, Any] = {
        "since": since,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "min_group": MIN_GROUP,
        "conversations": {"started": shown(len(started)), "completed": shown(len(completed)),
                          "completion_percent": _rate(shown(len(completed)),
                                                      shown(len(started)))},
        "funnel": {"flow": main_flow, "steps": steps},
        "profiles": _profiles(values, flow, t),
        "recommended": [{"item": item, "conversations": shown(len(who))}
                        for item, who in sorted(items.items(),
                                                key=lambda kv: (-len(kv[1]), kv[0]))
                        ][:TOP_ITEMS],
        "questions": _questions(unanswered, asked, questions),
    }
    return report


def _profiles(values: dict[str, dict[str, set[str]]], flow: Flow | None,
              t: Translator) -> dict[str, list[dict[str, Any]]]:
    slots = [s for s in PROFILE_SLOTS if s in values]
    slots += sorted(s for s in values if s not in PROFILE_SLOTS)
    result = {}
    for slot in slots:
        spec = flow.slots.get(slot) if flow else None
        result[slot] = [
            {"value": value, "label": spec.label(value, t) if spec else value,
             "conversations": shown(len(who))}
            for value, who in sorted(values[slot].items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
    return result


def _questions(unanswered: Iterable[Mapping[str, Any]] | None, asked: set[str],
               by_topic: dict[str, set[str]]) -> dict[str, Any]:
    """Free-text questions: from 'question' events, and the unanswered ones if recorded."""
    section: dict[str, Any] = {
        "conversations_asking": shown(len(asked)),
        "most_asked": [{"question": topic, "conversations": shown(len(who))}
                       for topic, who in sorted(by_topic.items(),
                                                key=lambda kv: (-len(kv[1]), kv[0]))
                       ][:TOP_QUESTIONS],
        "unanswered": None,  # None: no unanswered questions are recorded in this database
    }
    if unanswered is None:
        return section
    rows = sorted(((row["question"], row["count"]) for row in unanswered),
                  key=lambda pair: (-pair[1], pair[0]))
    # Free text is only shown when enough people asked it: it could name someone.
    visible = [{"question": q, "times": n} for q, n in rows if q and n >= MIN_GROUP]
    hidden = sum(1 for q, n in rows if q and n < MIN_GROUP)
    section["unanswered"] = visible[:TOP_QUESTIONS]
    section["unanswered_hidden"] = hidden
    return section


# -- text ------------------------------------------------------------------------------


def _n(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def _pct(value: float | None) -> str:
    return "" if value is None else f" ({value:g} %)"


def render_text(report: dict[str, Any]) -> str:
    """The report for a terminal (English, like the rest of the command line)."""
    c = report["conversations"]
    lines = [f"essbot statistics{' since ' + report['since'] if report['since'] else ''}",
             f"Groups of fewer than {report['min_group']} conversations are shown as "
             f"'{SUPPRESSED}'.", "",
             f"Conversations started:   {_n(c['started'])}",
             f"Conversations completed: {_n(c['completed'])}{_pct(c['completion_percent'])}",
             "", f"Funnel ({report['funnel']['flow']}): reached / stopped there"]
    width = max((len(s["state"]) for s in report["funnel"]["steps"]), default=10)
    for step in report["funnel"]["steps"]:
        lines.append(f"  {step['state']:<{width}}  {_n(step['reached']):>5}  "
                     f"{_n(step['stopped']):>5}{_pct(step['drop_off_percent'])}")
    if not report["funnel"]["steps"]:
        lines.append("  (no conversation yet)")
    lines += ["", "Profiles (conversations)"]
    for slot, entries in report["profiles"].items():
        lines.append(f"  {slot}:")
        lines += [f"    {e['label']:<40} {_n(e['conversations']):>5}" for e in entries]
    if not report["profiles"]:
        lines.append("  (none yet)")
    lines += ["", "Most recommended items (conversations)"]
    lines += [f"  {e['item']:<40} {_n(e['conversations']):>5}" for e in report["recommended"]]
    if not report["recommended"]:
        lines.append("  (none yet)")
    q = report["questions"]
    lines += ["", f"Free-text questions: {_n(q['conversations_asking'])} conversation(s) asked"]
    lines += [f"  {e['question']:<40} {_n(e['conversations']):>5}" for e in q["most_asked"]]
    if q["unanswered"] is None:
        lines.append("  Unanswered questions: not recorded by this version.")
    else:
        lines.append("  Unanswered questions (asked at least "
                     f"{report['min_group']} times):")
        lines += [f"    {e['question']}  ({e['times']})" for e in q["unanswered"]]
        if not q["unanswered"]:
            lines.append("    (none)")
        if q.get("unanswered_hidden"):
            lines.append(f"    and {q['unanswered_hidden']} other(s) asked fewer than "
                         f"{report['min_group']} times, not shown.")
    return "\n".join(lines) + "\n"


def render_chat(report: dict[str, Any], t: Translator) -> str:
    """A short summary for /stats in chat, in the administrator's language."""
    c = report["conversations"]
    lines = [t._("Statistiques (groupes de moins de {n} conversations masqués) :").format(
                 n=report["min_group"]),
             t._("Conversations commencées : {n}").format(n=_n(c["started"])),
             t._("Conversations terminées : {n}").format(n=_n(c["completed"]))
             + _pct(c["completion_percent"])]
    drops = sorted((s for s in report["funnel"]["steps"] if s["stopped"] is not None),
                   key=lambda s: -s["stopped"])[:3]
    if drops:
        lines.append(t._("Abandons les plus fréquents :"))
        lines += [f"– {s['state']} : {s['stopped']}{_pct(s['drop_off_percent'])}" for s in drops]
    for slot in ("collectivite", "themes"):
        entries = [e for e in report["profiles"].get(slot, []) if e["conversations"]][:3]
        if entries:
            lines.append(f"{slot} : " + ", ".join(f"{e['label']} ({e['conversations']})"
                                                 for e in entries))
    top = [e for e in report["recommended"] if e["conversations"]][:3]
    if top:
        lines.append(t._("Les plus recommandés : {items}").format(
            items=", ".join(f"{e['item']} ({e['conversations']})" for e in top)))
    lines.append(t._("Détails : essbot stats (ou --json, --chart) sur le serveur."))
    return "\n".join(lines)
