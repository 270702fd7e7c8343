"""A time-bound fact past its review date is never stated as current: every place that
shows the item (essbot recommend, essbot ask and the chat's answers, the feuille de route,
the chat's details) says it is to be checked again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.i18n import translator
from bot.knowledge import load_knowledge
from bot.knowledge.cards import detail_message
from tests.conftest import PROJECT_ROOT, run_essbot

# The DETR comes first; overdue, it loses `expiring` (scoring.yaml) but is still shown, third
PROFILE = ["--type", "commune", "--context", "rural", "--step", "ancrer"]
CAUTION = "À revérifier : ces informations datent du 29 novembre 2025 et devaient être " \
          "revues le 31 mars 2026"
DETR_DATES = ('"https://www.fnccr.asso.fr/article/creation-dun-fonds-dinvestissement-pour-les'
              '-territoires"\n    last_checked: 2026-11-29\n    review_by: 2027-03-31')


@pytest.fixture(scope="module")
def stale_content(tmp_path_factory) -> Path:
    """The shipped content, with the DETR last checked a year ago and due in March 2026."""
    folder = tmp_path_factory.mktemp("stale") / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    funding = folder / "funding.yaml"
    text = funding.read_text(encoding="utf-8")
    assert text.count(DETR_DATES) == 1
    funding.write_text(text.replace(DETR_DATES, DETR_DATES.replace("2026-11-29", "2025-11-29")
                                    .replace("2027-03-31", "2026-03-31")), encoding="utf-8")
    return folder


def essbot(args: list[str], content: Path, cwd: Path) -> str:
    result = run_essbot(args, env={"ESSBOT_CONTENT_DIR": str(content)}, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


def block_of(text: str, title: str) -> str:
    """The paragraph of ``essbot recommend``'s output that describes ``title``."""
    return next(block for block in text.split("\n\n") if title in block)


def test_recommend_and_ask_say_an_overdue_fact_is_to_be_checked(stale_content: Path,
                                                                 tmp_path: Path):
    shown = essbot(["recommend", *PROFILE], stale_content, tmp_path)
    assert CAUTION in block_of(shown, "(DETR)")
    assert shown.count("À revérifier") == 1  # the other items are current
    current = essbot(["recommend", *PROFILE], PROJECT_ROOT / "content", tmp_path)
    assert "(DETR)" in current and "À revérifier" not in current

    answers = json.loads(essbot(["ask", "c'est qui qui donne la DETR", "--json"],
                                stale_content, tmp_path))
    assert answers[0]["id"] == "detr"
    assert "préfet" in answers[0]["answer"]["text"] and CAUTION in answers[0]["answer"]["text"]
    english = json.loads(essbot(["ask", "who grants the DETR", "--json", "--lang", "en"],
                                stale_content, tmp_path))
    assert "To be checked again" in english[0]["answer"]["text"]


def test_the_feuille_de_route_and_the_details_carry_the_caution(stale_content: Path,
                                                                tmp_path: Path):
    essbot(["plan", *PROFILE, "--output", "plan.md"], stale_content, tmp_path)
    document = (tmp_path / "plan.md").read_text(encoding="utf-8")
    row = next(line for line in document.splitlines() if "(DETR)**" in line)
    assert CAUTION in row
    knowledge, problems = load_knowledge(stale_content, stale_content.parent)
    reviews = [p for p in problems if "due for review" in p.message]
    assert [p.severity for p in reviews] == ["warning"]  # validate warns the administrators
    assert all(p.severity == "warning" for p in problems)  # and nothing else is wrong
    details = detail_message(knowledge.items["detr"], translator("fr")).text
    assert CAUTION in details.split("\n")[1]


def test_a_direct_answer_past_its_own_review_date_says_so(tmp_path: Path):
    """A faq.yaml answer takes its own review_by: past it, the answer carries the caution
    while the item and its other answers stay current, and validate warns."""
    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    faq = folder / "faq.yaml"
    text = faq.read_text(encoding="utf-8")
    start = text.index("  - id: dla_gratuit\n")
    dates = text.index("    last_checked: 2026-11-29\n", start)
    assert text.index("  - id: ", start + 1) > dates  # the entry's own dates
    faq.write_text(text[:dates] + "    last_checked: 2025-11-29\n    review_by: 2026-03-31\n"
                   + text[dates + len("    last_checked: 2026-11-29\n"):], encoding="utf-8")
    free = json.loads(essbot(["ask", "le DLA c'est payant ?", "--json"], folder, tmp_path))
    assert free[0]["id"] == "dla" and "gratuit" in free[0]["answer"]["text"]
    assert CAUTION in free[0]["answer"]["text"]
    current = json.loads(essbot(["ask", "le DLA c'est payant ?", "--json"],
                                PROJECT_ROOT / "content", tmp_path))
    assert "À revérifier" not in current[0]["answer"]["text"]
    _, problems = load_knowledge(folder, folder.parent)
    assert [(p.severity, "dla_gratuit" in p.message) for p in problems
            if "due for review" in p.message] == [("warning", True)]
