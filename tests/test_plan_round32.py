"""plan32: the feuille de route read by the élu and the DGS who receive it (Roubaix, the CC
Creuse Sud-Ouest, Mamoudzou, the Nièvre, the Région Bretagne), on what each one reads."""

from __future__ import annotations

import datetime as dt
import re

from bot.i18n import translator
from bot.knowledge.partners import local_bodies, localise
from bot.knowledge.profile import build_profile, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render_markdown

TODAY = dt.date(2026, 12, 1)


def plan(kb, index, territory: str, kind: str, themes: set[str], step: str,
         today: dt.date = TODAY) -> str:
    """The feuille de route's Markdown, as `essbot plan` writes it, without its source annex."""
    place = index.resolve(territory, prefer=kind).all[0]
    profile = build_profile(kb.scoring, type=kind, themes=frozenset(themes), step=step,
                            territory=place, index=index)
    t = translator("fr")
    doc = build_outline(kb, profile, recommendations(kb, profile, "full"), t, today,
                        names_of(place, index))
    return render_markdown(doc, t).split("## Annexe : les sources")[0]


def test_mayotte_reads_the_cssm_in_titles_and_sentence_openings(kb, index) -> None:
    """Mamoudzou read « CAF : financer l'accueil du jeune enfant » on page 1 and in the funding
    table, « La CAF finance… » in it, and « la CTG avec la CAF » in the calendar's next step:
    Mayotte has no CAF."""
    text = plan(kb, index, "Mamoudzou", "commune", {"petite-enfance-jeunesse", "alimentation"},
                "identifier")
    assert not re.search(r"\b(?:la|La) CAF\b|^CAF\b|\*\*\[?CAF\b|« CAF\b",
                         text.replace("qui y exerce les missions de la CAF", ""), re.M)
    assert "CSSM : financer l'accueil du jeune enfant" in text
    mayotte = local_bodies("976", "de Mayotte", "Mayotte", "CRESS de Mayotte")
    assert localise("La CAF finance.", mayotte).startswith("La CSSM (Caisse de sécurité")
    assert localise("CAF : financer", mayotte, short=True) == "CSSM : financer"
    nord = local_bodies("59", "du Nord", "Hauts-de-France", None)
    assert localise("La CAF finance.", nord) == "La CAF finance."
