"""``essbot recommend`` and ``essbot plan``: the recommendations and the feuille de route
for a profile given on the command line (the interface is fixed: other tools use it)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.i18n import SUPPORTED_LANGUAGES, translator
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.knowledge.profile import build_profile, territory_facts
from bot.knowledge.recommend import HEADINGS, describe_item, recommendations
from bot.knowledge.roadmap import outline, render_html, render_markdown, roadmap_filename
from bot.knowledge.scoring import Profile, Ranked

if TYPE_CHECKING:
    from bot.knowledge.territory import Territory

TYPES = ("commune", "epci", "ept", "departement", "region")
STEPS = ("identifier", "soutenir", "ancrer")
JSON_KINDS = {"lever": "levers", "funding": "funding", "contact": "contacts",
              "example": "examples"}


def profile_options(command):
    """The options shared by ``recommend`` and ``plan``."""
    options = [
        click.option("--type", "type_", type=click.Choice(TYPES), default=None,
                     help="Type of collectivité (default: from --territory)."),
        click.option("--context", "contexts", default="", metavar="LIST",
                     help="Comma list of: qpv, rural, urbain, fragile, littoral, montagne, "
                          "outre-mer."),
        click.option("--themes", default="", metavar="LIST",
                     help="Comma list of: emploi-insertion, alimentation, economie-circulaire, "
                          "mobilite, habitat, culture-tourisme, services-proximite, numerique, "
                          "transition-ecologique, sante-social, petite-enfance-jeunesse."),
        click.option("--step", type=click.Choice(STEPS), default=None,
                     help="Where the collectivité stands: identifier, soutenir or ancrer."),
        click.option("--territory", default=None, metavar="CODE_OR_NAME",
                     help="A commune (name, postal or INSEE code) or an EPCI (name or SIREN): "
                          "fills the type, region (its CRESS) and size."),
        click.option("--lang", type=click.Choice(SUPPORTED_LANGUAGES), default="fr",
                     show_default=True, help="Language of the texts."),
    ]
    return functools.reduce(lambda cmd, option: option(cmd), reversed(options), command)


def _split(value: str, vocabulary: str, option: str, kb: KnowledgeBase) -> frozenset[str]:
    values = frozenset(v.strip() for v in value.split(",") if v.strip())
    known = kb.vocabularies.get(vocabulary, {})
    unknown = sorted(values - set(known))
    if unknown:
        raise click.BadParameter(f"unknown value(s) {', '.join(unknown)}; "
                                 f"choose among: {', '.join(known)}", param_hint=option)
    return values


def _territory(kb_dir: Path, query: str) -> Territory:
    from bot.knowledge.profile import find_territories, load_territories
    from bot.knowledge.territory import default_territory_path

    found = find_territories(load_territories(default_territory_path(kb_dir)), query)
    if not found:
        raise click.BadParameter(f"no commune or EPCI matches {query!r}; try a postal code, an "
                                 "INSEE code or a SIREN", param_hint="--territory")
    if len(found) > 1:
        others = "; ".join(t.label for t in found[1:6])
        click.echo(f"Note: {query!r} matches {len(found)} territories; using {found[0].label} "
                   f"(others: {others}). Give an INSEE code or a SIREN to choose.", err=True)
    return found[0]


def _load(ctx: click.Context, type_, contexts, themes, step, territory
          ) -> tuple[KnowledgeBase, Profile, Territory | None]:
    settings = ctx.obj
    kb, problems = load_knowledge(settings.content_dir, Path.cwd())
    errors = [p for p in problems if p.severity == "error"]
    if errors or kb.scoring is None:
        for problem in errors:
            click.echo(str(problem), err=True)
        click.echo("The content has errors: run 'essbot content validate'.", err=True)
        raise SystemExit(1)
    place = _territory(settings.content_dir, territory) if territory else None
    profile = build_profile(kb.scoring, type=type_,
                            contexts=_split(contexts, "contexts", "--context", kb),
                            themes=_split(themes, "themes", "--themes", kb),
                            step=step, territory=place)
    return kb, profile, place


def _item_json(kb: KnowledgeBase, ranked: Ranked, lang: str) -> dict[str, Any]:
    item = ranked.item
    data: dict[str, Any] = {
        "id": item.id, "title": item.title, "summary": item.summary,
        "reason": kb.scoring.reason(ranked, translator(lang)), "score": ranked.score,
        "sources": [{"title": s.title, "url": s.url} for s in item.sources],
    }
    for extra in ("audience", "how_to_reach", "url", "legal_basis"):
        if getattr(item, extra):
            data[extra] = getattr(item, extra)
    return data


def _profile_json(profile: Profile, place: Territory | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": profile.type, "contexts": sorted(profile.contexts),
        "themes": sorted(profile.themes), "step": profile.step, "region": profile.region,
        "size": profile.size, "territory": None,
    }
    if place is not None:
        facts = territory_facts(place)
        data["territory"] = {"kind": place.kind, "code": place.code, "name": place.name,
                             "label": place.label, "population": place.population,
                             "departement": facts["departement"], "region": place.region_code,
                             "epci": facts["epci"]}
    return data


@click.command()
@profile_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (profile, levers, funding, "
                                                      "contacts, examples).")
@click.pass_context
def recommend(ctx: click.Context, type_, contexts, themes, step, territory, lang,
              as_json) -> None:
    """Recommend levers, funding tools, contacts and examples for a profile.

    Each item says why it was chosen; the same profile always gives the same answer.

        essbot recommend --territory 35238 --themes alimentation --step soutenir
    """
    kb, profile, place = _load(ctx, type_, contexts, themes, step, territory)
    chosen = recommendations(kb, profile, "full")
    if as_json:
        data: dict[str, Any] = {"profile": _profile_json(profile, place)}
        for kind, key in JSON_KINDS.items():
            data[key] = [_item_json(kb, r, lang) for r in chosen[kind]]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    t = translator(lang)
    if place is not None:
        facts = [kb.label(vocabulary, value, t) for vocabulary, value in (
            ("collectivites", profile.type), ("regions", profile.region),
            ("sizes", profile.size)) if value]
        click.echo(f"{place.label} — {', '.join(facts)}\n")
    for kind, ranked in chosen.items():
        if not ranked:
            continue
        click.echo(t._(HEADINGS[kind]).upper() + "\n")
        for n, r in enumerate(ranked, 1):
            click.echo(describe_item(r.item, t, n, reason=kb.scoring.reason(r, t)) + "\n")


@click.command()
@profile_options
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; its extension (.md or .html) sets the format. Default: "
                   "both formats in the current folder.")
@click.pass_context
def plan(ctx: click.Context, type_, contexts, themes, step, territory, lang, output) -> None:
    """Write the feuille de route (Markdown and printable HTML) for a profile.

        essbot plan --territory "Rennes Métropole" --themes mobilite --step identifier
    """
    kb, profile, _ = _load(ctx, type_, contexts, themes, step, territory)
    if profile.step is None:
        raise click.BadParameter("the feuille de route needs the step", param_hint="--step")
    t = translator(lang)
    today = dt.date.today()
    chosen = recommendations(kb, profile, "full")
    if output is None:
        name = roadmap_filename(profile, today)
        targets = [Path(f"{name}.md"), Path(f"{name}.html")]
    elif output.suffix.lower() in (".md", ".html", ".htm"):
        targets = [output]
    else:
        raise click.BadParameter("the file name must end in .md or .html", param_hint="--output")
    doc = outline(kb, profile, chosen, t, today)  # one outline for both documents
    for target in targets:
        render = render_markdown if target.suffix.lower() == ".md" else render_html
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(doc, t), encoding="utf-8")
        click.echo(f"Wrote {target}")
