"""Load and validate ``content/*.yaml``; every problem names ``file:line:column``.

``taxonomy.yaml`` holds the shared vocabularies, ``sources.yaml`` the source
documents; every other file holds ``items:``. The format is documented in
``docs/content.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.engine.conditions import suggest
from bot.engine.flow import LocalText
from bot.i18n import SUPPORTED_LANGUAGES
from bot.knowledge.collectivites import COM_REGION_CODES
from bot.knowledge.model import (
    APPLICABILITY,
    GENDERS,
    KINDS,
    STEPS,
    Answer,
    Item,
    KnowledgeBase,
    Source,
)
from bot.knowledge.scoring import load_scoring
from bot.knowledge.source_hosts import SOURCES_POLICY_FILE, load_copy_hosts, url_warning
from bot.yamlsrc import (
    MarkedDict,
    MarkedList,
    Position,
    Problem,
    load_marked_file,
    position_of,
)

TAXONOMY_FILE = "taxonomy.yaml"
SOURCES_FILE = "sources.yaml"
SCORING_FILE = "scoring.yaml"  # ranking rules: bot/knowledge/scoring.py
SYNONYMS_FILE = "synonymes.yaml"  # vocabulary of free-text questions: bot/qa/
FAQ_FILE = "faq.yaml"  # direct answers to recurring questions, each tied to an item
NOT_ITEMS = (TAXONOMY_FILE, SOURCES_FILE, SCORING_FILE, SYNONYMS_FILE, FAQ_FILE,
             SOURCES_POLICY_FILE)
VOCABULARIES = (*APPLICABILITY.values(), "regions")
ITEM_KEYS = ("id", "kind", "title", "summary", "body", "applies_to", "sources", "last_checked",
             "legal_basis", "how_to_reach", "url", "region", "audience", "priority",
             "how_to", "first_action", "carried_by", "cost", "indicators", "family", "gender",
             "plural", "review_by", "places", "effort", "first_action_small", "how_to_small",
             "first_action_region", "how_to_region", "closed", "own_purchases",
             "eu_funds", "expenses")
# values of an item's `expenses:` (docs/content.md): what a funding tool pays for, and what
# the work of a lever costs; the feuille de route pairs them (plan39)
EXPENSES = ("investissement", "fonctionnement", "pilotage")
EFFORTS = ("lourd",)  # values of an item's `effort:` (weights.effort in scoring.yaml)
REQUIRED_BODY = ("lever", "example")
REQUIRED_REACH = ("funding", "contact")
MAX_SUMMARY = 300
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
URL_PATTERN = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
FAMILY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_FIRST_ACTION = 200
PLACE_CODE = re.compile(r"^(?:\d[0-9AB]\d{3}|\d{9}"
                        r"|(?:(?:region|departement):)?(?:\d{2,3}|2[AB]|6AE))$")
ANSWER_KEYS = ("id", "item", "questions", "answer", "sources", "last_checked", "review_by")
MAX_ANSWER = 400  # a direct answer is 1-3 sentences; the item says the rest


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, where: Position, message: str) -> None:
        self.problems.append(Problem(where, message))

    def keys(self, node: MarkedDict, allowed: tuple[str, ...], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.error(node.key_positions[key], suggest(f"key in {what}", key, allowed)
                           + f" Allowed keys: {', '.join(allowed)}.")

    def text(self, node: MarkedDict, key: str, what: str, required: bool = True) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                self.error(node.position, f"{what} needs '{key}:'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(node.at(key), f"'{key}' of {what} must be non-empty text")
            return None
        return value.strip()

    def text_list(self, node: MarkedDict, key: str, what: str) -> tuple[str, ...]:
        """An optional list of non-empty texts (steps, indicators)."""
        value = node.get(key)
        if value is None:
            return ()
        if not isinstance(value, MarkedList) or not value or any(
                not isinstance(entry, str) or not entry.strip() for entry in value):
            self.error(node.at(key), f"'{key}' of {what} must be a list of non-empty texts")
            return ()
        return tuple(entry.strip() for entry in value)


def load_taxonomy(path: Path, root: Path, check: _Checker) -> dict[str, dict[str, LocalText]]:
    try:
        document = load_marked_file(path, root)
    except Problem as problem:
        check.problems.append(problem)
        return {}
    if not isinstance(document, MarkedDict):
        check.error(Position(str(path), 1, 1), "the taxonomy must be a mapping of vocabularies")
        return {}
    vocabularies: dict[str, dict[str, LocalText]] = {}
    for name in VOCABULARIES:
        if name not in document:
            check.error(document.position, f"the taxonomy needs the vocabulary '{name}'")
    for name, values in document.items():
        if not isinstance(values, MarkedDict):
            check.error(document.at(name), f"vocabulary '{name}' must map each value to "
                                           "{fr: ..., en: ...}")
            continue
        labels: dict[str, LocalText] = {}
        for value, label in values.items():
            at = values.at(value)
            if not isinstance(value, str) or not re.match(r"^[a-z0-9][a-z0-9-]*$", value):
                check.error(values.key_positions[value],
                            f"value '{value}' must be lower-case letters, digits and '-'")
                continue
            missing = [lang for lang in SUPPORTED_LANGUAGES
                       if not isinstance(label, MarkedDict) or not label.get(lang)]
            if missing:
                check.error(at, f"missing translation: the label of '{value}' has no "
                                f"{', '.join(missing)} version; write {{fr: ..., en: ...}}")
                continue
            labels[value] = LocalText(texts={lang: label[lang] for lang in SUPPORTED_LANGUAGES})
        vocabularies[name] = labels
    steps = tuple(vocabularies.get("steps", {}))
    if "steps" in vocabularies and steps != STEPS:
        check.error(document.at("steps"), "the steps are those of the approach, in this order: "
                                          f"{', '.join(STEPS)} (found: {', '.join(steps)})")
    return vocabularies


def load_documents(path: Path, root: Path, check: _Checker) -> dict[str, str]:
    try:
        document = load_marked_file(path, root)
    except Problem as problem:
        check.problems.append(problem)
        return {}
    documents = document.get("documents") if isinstance(document, MarkedDict) else None
    if not isinstance(documents, MarkedDict):
        check.error(Position(str(path), 1, 1), "sources.yaml needs 'documents:', a mapping of "
                                               "id to {title: ...}")
        return {}
    result = {}
    for doc_id, spec in documents.items():
        if not isinstance(spec, MarkedDict):
            check.error(documents.at(doc_id), f"document '{doc_id}' needs 'title:'")
            continue
        check.keys(spec, ("title", "publisher", "url"), f"document '{doc_id}'")
        title = check.text(spec, "title", f"document '{doc_id}'")
        if title:
            result[doc_id] = title
    return result


class _ItemParser:
    def __init__(self, check: _Checker, vocabularies: Mapping[str, Mapping[str, LocalText]],
                 documents: Mapping[str, str], copy_hosts: frozenset[str] = frozenset()):
        self.check = check
        self.vocabularies = vocabularies
        self.documents = documents
        self.copy_hosts = copy_hosts  # hosts of copies and mirrors: sources_policy.yaml
        self.today = dt.date.today()

    def sources(self, node: MarkedDict, what: str) -> tuple[Source, ...]:
        check = self.check
        raw = node.get("sources")
        if not isinstance(raw, MarkedList) or not raw:
            check.error(node.at("sources"), f"{what} needs 'sources:', a list with at least one "
                                            "{title: ..., url: ...} or {document: <id>}")
            return ()
        result = []
        for i, entry in enumerate(raw):
            at = raw.at(i)
            if not isinstance(entry, MarkedDict):
                check.error(at, "a source is {title: ..., url: ...} or {document: <id>}")
                continue
            check.keys(entry, ("title", "url", "document"), "a source")
            if "document" in entry:
                doc_id = entry["document"]
                if doc_id not in self.documents:
                    check.error(entry.at("document"), suggest("source document", doc_id,
                                                              self.documents)
                                + " Source documents are listed in content/sources.yaml.")
                    continue
                result.append(Source(self.documents[doc_id], entry.get("url"), doc_id))
                continue
            title = check.text(entry, "title", "a source")
            url = entry.get("url")
            if not isinstance(url, str) or not URL_PATTERN.match(url):
                check.error(entry.at("url"), "a web source needs 'url:' starting with https://")
                continue
            doubt = url_warning(url, self.copy_hosts)
            if doubt:
                check.problems.append(Problem(entry.at("url"), doubt, severity="warning"))
            if title:
                result.append(Source(title, url))
        return tuple(result)

    def applies_to(self, node: MarkedDict, what: str) -> dict[str, frozenset[str]]:
        raw = node.get("applies_to")
        if raw is None:
            return {}
        if not isinstance(raw, MarkedDict):
            self.check.error(node.at("applies_to"), "'applies_to' must be a mapping")
            return {}
        self.check.keys(raw, tuple(APPLICABILITY), "'applies_to'")
        result = {}
        for key, vocabulary in APPLICABILITY.items():
            if key not in raw:
                continue
            values = raw[key]
            if not isinstance(values, MarkedList):
                self.check.error(raw.at(key), f"'{key}' takes a list of values from "
                                              f"content/{TAXONOMY_FILE}")
                continue
            known = self.vocabularies.get(vocabulary, {})
            for i, value in enumerate(values):
                if value not in known:
                    self.check.error(values.at(i), suggest(f"value in '{key}'", value, known)
                                     + f" See content/{TAXONOMY_FILE}.")
            result[key] = frozenset(v for v in values if v in known)
        if "preferred_collectivites" in raw and "collectivites" in raw:
            self.check.error(raw.at("preferred_collectivites"),
                             "'preferred_collectivites' is for an item open to every type of "
                             "collectivité: drop it, or drop 'collectivites'")
        if "preferred_programmes" in raw and "programmes" in raw:
            self.check.error(raw.at("preferred_programmes"),
                             "'preferred_programmes' is for an item open to every territory: "
                             "drop it, or drop 'programmes'")
        if "preferred_contexts" in raw and "contexts" in raw:
            self.check.error(raw.at("preferred_contexts"),
                             "'preferred_contexts' is for an item open to every place: "
                             "drop it, or drop 'contexts'")
        if "preferred_themes" in raw and "themes" in raw:
            self.check.error(raw.at("preferred_themes"),
                             "'preferred_themes' is for an item that serves every theme: "
                             "drop it, or drop 'themes'")
        return result

    def item(self, node: Any, where: Position) -> Item | None:
        check = self.check
        if not isinstance(node, MarkedDict):
            check.error(where, "an item must be a mapping with id, kind, title, summary, ...")
            return None
        item_id = node.get("id")
        if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
            check.error(node.at("id"), f"item id '{item_id}' must be lower-case letters, "
                                       "digits and '_' (for example: clause_insertion)")
            return None
        what = f"item '{item_id}'"
        check.keys(node, ITEM_KEYS, what)
        kind = node.get("kind")
        if kind not in KINDS:
            check.error(node.at("kind"), suggest("kind", str(kind), KINDS)
                        + f" Kinds: {', '.join(KINDS)}.")
            return None
        before = len(check.problems)
        title = check.text(node, "title", what)
        summary = check.text(node, "summary", what)
        if summary and len(summary) > MAX_SUMMARY:
            check.error(node.at("summary"), f"the summary of {what} has {len(summary)} "
                                            f"characters; keep it under {MAX_SUMMARY} and put "
                                            "the rest in 'body'")
        body = check.text(node, "body", what, required=kind in REQUIRED_BODY) or ""
        how_to_reach = check.text(node, "how_to_reach", what, required=kind in REQUIRED_REACH)
        legal_basis = check.text(node, "legal_basis", what, required=False)
        audience = check.text(node, "audience", what, required=kind in REQUIRED_REACH)
        region = node.get("region")
        if region is not None and (kind != "contact" or not isinstance(region, str)):
            check.error(node.at("region"), "'region' is for contacts only, as a quoted INSEE "
                                           "region code such as \"53\"")
        elif (region is not None and region not in self.vocabularies.get("regions", {})
              and region not in COM_REGION_CODES):
            check.error(node.at("region"), suggest("region code", region,
                                                   self.vocabularies.get("regions", {}))
                        + " Region codes are listed under 'regions:' in taxonomy.yaml (or a "
                          "collectivité d'outre-mer's code, such as \"978\").")
        url = node.get("url")
        if url is not None and (not isinstance(url, str) or not URL_PATTERN.match(url)):
            check.error(node.at("url"), "'url' must start with https://")
        priority = node.get("priority", 0)
        if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 3:
            check.error(node.at("priority"), "'priority' takes a whole number from 0 to 3 "
                                             "(how central the item is to its steps)")
        checked = node.get("last_checked")
        if not isinstance(checked, dt.date) or isinstance(checked, dt.datetime):
            check.error(node.at("last_checked"), f"{what} needs 'last_checked:' as a date "
                                                 "YYYY-MM-DD, the day its facts were checked")
        elif checked > self.today:
            check.error(node.at("last_checked"), f"'last_checked' of {what} is in the future")
        sources = self.sources(node, what)
        applies_to = self.applies_to(node, what)
        acting = self.acting(node, what)
        review_by = self.review_by(node, what)
        if (any(p.severity == "error" for p in check.problems[before:]) or title is None
                or summary is None or not isinstance(checked, dt.date)):  # reported above
            return None
        return Item(item_id, kind, title, summary, sources, checked, node.position, body,
                    applies_to, legal_basis, how_to_reach, url, region, audience, priority,
                    review_by=review_by, **acting)

    def acting(self, node: MarkedDict, what: str) -> dict[str, Any]:
        """The optional fields that say how to act on an item, and how to speak of it."""
        check = self.check
        first_action = check.text(node, "first_action", what, required=False)
        first_action_small = check.text(node, "first_action_small", what, required=False)
        first_action_region = check.text(node, "first_action_region", what, required=False)
        for key, text in (("first_action", first_action),
                          ("first_action_small", first_action_small),
                          ("first_action_region", first_action_region)):
            if text and len(text) > MAX_FIRST_ACTION:
                check.error(node.at(key), f"the {key} of {what} has {len(text)} characters; "
                                          f"keep it under {MAX_FIRST_ACTION}")
        family = node.get("family")
        if family is not None and (not isinstance(family, str)
                                   or not FAMILY_PATTERN.match(family)):
            check.error(node.at("family"), "'family' is a short name in lower-case letters, "
                                           "digits and '-' (for example: tiers-lieux)")
        gender = node.get("gender")
        if gender is not None and gender not in GENDERS:
            check.error(node.at("gender"), "'gender' is f or m: the grammatical gender of the "
                                           "item in a sentence (« elle agit », « il agit »)")
        plural = node.get("plural", False)
        if not isinstance(plural, bool):
            check.error(node.at("plural"), "'plural' is true or false")
        closed = node.get("closed", False)
        if not isinstance(closed, bool):
            check.error(node.at("closed"), "'closed' is true or false")
        elif closed and node.get("kind") != "funding":
            check.error(node.at("closed"), "'closed' is for a funding tool whose calls are "
                                           "closed; leave it out of other kinds")
        own_purchases = node.get("own_purchases", False)
        if not isinstance(own_purchases, bool):
            check.error(node.at("own_purchases"), "'own_purchases' is true or false")
        elif own_purchases and node.get("kind") != "lever":
            check.error(node.at("own_purchases"), "'own_purchases' is for a lever that works "
                                                  "through the collectivité's own purchases; "
                                                  "leave it out of other kinds")
        eu_funds = node.get("eu_funds", False)
        if not isinstance(eu_funds, bool):
            check.error(node.at("eu_funds"), "'eu_funds' is true or false")
        expenses = check.text_list(node, "expenses", what)
        if expenses and node.get("kind") not in ("lever", "funding"):
            check.error(node.at("expenses"), "'expenses' is for a lever (what its work costs) "
                                             "or a funding tool (what it pays for)")
        if any(kind not in EXPENSES for kind in expenses):
            check.error(node.at("expenses"), "'expenses' takes " + ", ".join(EXPENSES))
        effort = node.get("effort")
        if effort is not None and effort not in EFFORTS:
            check.error(node.at("effort"), "'effort' is lourd, for an item that its own text "
                                           "says is heavy to set up; leave it out otherwise")
        places = check.text_list(node, "places", what)
        bad = [code for code in places if not PLACE_CODE.match(code)]
        if bad:
            check.error(node.at("places"), f"'places' of {what} takes codes: the INSEE code of a "
                                           "commune (« 67482 »), a département (« 23 », "
                                           "« 2A », « 974 ») or a région (« 44 »), with "
                                           "« region: » or « departement: » before it when "
                                           "the item is done by both levels (« region:32 »), "
                                           f"or the SIREN of an intercommunalité; not {bad[0]!r}")
        return {
            "places": frozenset(places),
            "how_to": check.text_list(node, "how_to", what),
            "first_action": first_action,
            "first_action_small": first_action_small,
            "how_to_small": check.text_list(node, "how_to_small", what),
            "first_action_region": first_action_region,
            "how_to_region": check.text_list(node, "how_to_region", what),
            "carried_by": check.text(node, "carried_by", what, required=False),
            "cost": check.text(node, "cost", what, required=False),
            "indicators": check.text_list(node, "indicators", what),
            "family": family if isinstance(family, str) else None,
            "gender": gender if gender in GENDERS else None,
            "plural": plural is True,
            "closed": closed is True,
            "effort": effort if effort in EFFORTS else None,
            "own_purchases": own_purchases is True,
            "eu_funds": eu_funds is True,
            "expenses": frozenset(kind for kind in expenses if kind in EXPENSES),
        }

    def review_by(self, node: MarkedDict, what: str) -> dt.date | None:
        """A date by which a time-bound fact must be checked again; past dates warn."""
        value = node.get("review_by")
        if value is None:
            return None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.check.error(node.at("review_by"), "'review_by' takes a date YYYY-MM-DD: when "
                                                   f"the time-bound facts of {what} must be "
                                                   "checked again")
            return None
        if value < self.today:
            self.check.problems.append(Problem(
                node.at("review_by"), f"{what} was due for review on {value.isoformat()}: "
                                      "check its time-bound facts again, then move "
                                      "'review_by' and 'last_checked'", severity="warning"))
        return value


    def answer(self, node: Any, where: Position, items: dict[str, Item]) -> Answer | None:
        """One entry of faq.yaml: a question-shaped direct answer tied to an item."""
        check = self.check
        if not isinstance(node, MarkedDict):
            check.error(where, "an answer must be a mapping with id, item, questions, answer, "
                               "sources, last_checked")
            return None
        answer_id = node.get("id")
        if not isinstance(answer_id, str) or not ID_PATTERN.match(answer_id):
            check.error(node.at("id"), f"answer id '{answer_id}' must be lower-case letters, "
                                       "digits and '_' (for example: dla_gratuit)")
            return None
        what = f"answer '{answer_id}'"
        check.keys(node, ANSWER_KEYS, what)
        before = len(check.problems)
        item_id = node.get("item")
        if item_id not in items:
            check.error(node.at("item"), suggest("item", str(item_id), items)
                        + f" The {what} must name the item that explains more.")
        questions = check.text_list(node, "questions", what)
        if not questions:
            check.error(node.at("questions"), f"{what} needs 'questions:', the ways agents "
                                              "ask it (at least one)")
        text = check.text(node, "answer", what)
        if text and len(text) > MAX_ANSWER:
            check.error(node.at("answer"), f"the answer of {what} has {len(text)} characters; "
                                           f"keep it under {MAX_ANSWER} (1-3 sentences)")
        checked = node.get("last_checked")
        if not isinstance(checked, dt.date) or isinstance(checked, dt.datetime):
            check.error(node.at("last_checked"), f"{what} needs 'last_checked:' as a date "
                                                 "YYYY-MM-DD")
        elif checked > self.today:
            check.error(node.at("last_checked"), f"'last_checked' of {what} is in the future")
        sources = self.sources(node, what)
        review_by = self.review_by(node, what)
        if (any(p.severity == "error" for p in check.problems[before:])
                or not isinstance(item_id, str) or text is None
                or not isinstance(checked, dt.date)):  # reported above
            return None
        return Answer(answer_id, item_id, questions, text, sources, checked, node.position,
                      review_by)


def load_answers(path: Path, root: Path, parser: _ItemParser,
                 items: dict[str, Item]) -> dict[str, Answer]:
    """``faq.yaml``: ``answers:``, a list of direct answers (optional file)."""
    check = parser.check
    try:
        document = load_marked_file(path, root)
    except Problem as problem:
        check.problems.append(problem)
        return {}
    raw = document.get("answers") if isinstance(document, MarkedDict) else None
    if not isinstance(raw, MarkedList):
        check.error(position_of(document, Position(str(path), 1, 1)),
                    f"{FAQ_FILE} needs 'answers:', a list of direct answers")
        return {}
    check.keys(document, ("answers",), FAQ_FILE)
    answers: dict[str, Answer] = {}
    for i, node in enumerate(raw):
        answer = parser.answer(node, raw.at(i), items)
        if answer is None:
            continue
        if answer.id in answers:
            check.error(answer.position, f"duplicate answer id '{answer.id}' (first defined "
                                         f"at {answers[answer.id].position})")
            continue
        answers[answer.id] = answer
    return answers


def load_knowledge(directory: Path, root: Path | None = None) -> tuple[KnowledgeBase,
                                                                       list[Problem]]:
    """Load a content folder. Items with problems are left out; all problems are returned."""
    root = root or directory.parent
    check = _Checker()
    vocabularies: dict[str, dict[str, LocalText]] = {}
    documents: dict[str, str] = {}
    for name in (TAXONOMY_FILE, SOURCES_FILE):
        path = directory / name
        if not path.exists():
            check.error(Position(str(path), 1, 1), f"missing {name} in the content folder")
        elif name == TAXONOMY_FILE:
            vocabularies = load_taxonomy(path, root, check)
        else:
            documents = load_documents(path, root, check)
    copy_hosts, policy_problems = load_copy_hosts(directory / SOURCES_POLICY_FILE, root)
    check.problems.extend(policy_problems)
    parser = _ItemParser(check, vocabularies, documents, copy_hosts)
    items: dict[str, Item] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in NOT_ITEMS:
            continue
        try:
            document = load_marked_file(path, root)
        except Problem as problem:
            check.problems.append(problem)
            continue
        raw = document.get("items") if isinstance(document, MarkedDict) else None
        if not isinstance(raw, MarkedList):
            where = position_of(document, Position(str(path), 1, 1))
            check.error(where, "a content file needs 'items:', a list of items")
            continue
        if isinstance(document, MarkedDict):
            check.keys(document, ("items",), "a content file")
        for i, node in enumerate(raw):
            item = parser.item(node, raw.at(i))
            if item is None:
                continue
            if item.id in items:
                first = items[item.id].position
                check.error(item.position, f"duplicate item id '{item.id}' (first defined at "
                                           f"{first}): give each item its own id")
                continue
            items[item.id] = item
    answers = {}
    if (directory / FAQ_FILE).exists():
        answers = load_answers(directory / FAQ_FILE, root, parser, items)
    scoring = None
    scoring_path = directory / SCORING_FILE
    if not scoring_path.exists():
        check.error(Position(str(scoring_path), 1, 1), f"missing {SCORING_FILE} in the content "
                                                       "folder (the ranking rules)")
    else:
        scoring, problems = load_scoring(scoring_path, root, vocabularies)
        check.problems.extend(problems)
    return KnowledgeBase(items, vocabularies, documents, scoring, answers), check.problems
