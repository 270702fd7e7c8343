"""``essbot recommend`` and ``essbot plan``: the recommendations and the feuille de route
for a profile given on the command line (the interface is fixed: other tools use it)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bot.i18n import SUPPORTED_LANGUAGES, translator
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.knowledge.model import RECOMMENDED_KINDS, STEPS
from bot.knowledge.profile import build_profile, load_territories, names_of, territory_facts
from bot.knowledge.recommend import (
    HEADINGS,
    describe_item,
    localised,
    recommendations,
    told_here,
)
from bot.knowledge.roadmap import (
    FORMATS,
    PdfUnavailable,
    build_outline,
    render,
    roadmap_filename,
)
from bot.knowledge.scoring import Profile, Ranked
from bot.knowledge.territory_reading import context_sentence, programme_label

if TYPE_CHECKING:
    from bot.knowledge.territory import Territory, TerritoryIndex

TYPES = ("commune", "epci", "ept", "departement", "region")
F = TypeVar("F", bound=Callable[..., Any])
JSON_KINDS = dict(zip(RECOMMENDED_KINDS, ("levers", "funding", "contacts", "examples"),
                      strict=True))  # the JSON keys, an interface other tools read


def profile_options(command: F) -> F:
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
                     help="A commune (name, postal or INSEE code), an EPCI or EPT (name or "
                          "SIREN), a département (name or number), a région (name or INSEE "
                          "code) or a collectivité d'outre-mer: fills the type, region (its "
                          "CRESS), size, contexts and programmes."),
        click.option("--region", default=None, metavar="CODE_OR_NAME",
                     help="The région (name or INSEE code) when no territory gives it, e.g. "
                          "--type region --region Occitanie."),
        click.option("--programmes", default=None, metavar="LIST",
                     help="Comma list of: pvd, acv, frr, territoires-industrie, villages-avenir, "
                          "cites-emploi (default: those of --territory; 'none' for none)."),
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


def _index(kb_dir: Path) -> TerritoryIndex:
    from bot.knowledge.territory import default_territory_path

    return load_territories(default_territory_path(kb_dir))


def _territory(index: TerritoryIndex, query: str, type_: str | None
               ) -> tuple[Territory, list[Territory]]:
    """The most likely reading (of the type asked, if any) and the other readings."""
    found = index.resolve(query, prefer=type_)
    if not found.best and not found.others:
        raise click.BadParameter(f"no collectivité matches {query!r}; try a postal code, an "
                                 "INSEE code, a SIREN, a département number or a région name",
                                 param_hint="--territory")
    readings = found.all
    chosen = readings[0]
    others = readings[1:]
    if len(found.best) > 1 or (found.best and found.best[0] is not chosen):
        listed = "; ".join(t.label for t in others[:5])
        click.echo(f"Note: {query!r} matches {len(found.best)} territories; using {chosen.label} "
                   f"(others: {listed}). Give a code, or --type, to choose.", err=True)
    elif not found.best:
        listed = "; ".join(t.label for t in others[:5])
        click.echo(f"Note: nothing is named exactly {query!r}; using the closest, "
                   f"{chosen.label}" + (f" (others: {listed})." if listed else "."), err=True)
    if chosen.note:
        click.echo(f"Note: {chosen.note}", err=True)
    return chosen, others


def _region(index: TerritoryIndex, query: str, kb: KnowledgeBase) -> str:
    """An INSEE région code from a code or a name (today's, former, short: « PACA »)."""
    code = query.strip()
    if code in kb.vocabularies.get("regions", {}):
        return code
    for territory in index.resolve(query, prefer="region").all:
        if territory.kind == "region" or (territory.status is not None
                                          and territory.status.key == "mayotte"):
            return territory.region_code
    raise click.BadParameter(f"no région matches {query!r}; choose among: "
                             f"{', '.join(kb.vocabularies.get('regions', {}))} or a name",
                             param_hint="--region")


def _load(ctx: click.Context, type_: str | None, contexts: str, themes: str, step: str | None,
          territory: str | None, region: str | None = None, programmes: str | None = None
          ) -> tuple[KnowledgeBase, Profile, Territory | None, list[Territory]]:
    settings = ctx.obj
    kb, problems = load_knowledge(settings.content_dir, Path.cwd())
    errors = [p for p in problems if p.severity == "error"]
    if errors or kb.scoring is None:
        for problem in errors:
            click.echo(str(problem), err=True)
        click.echo("The content has errors: run 'essbot content validate'.", err=True)
        raise SystemExit(1)
    index = _index(settings.content_dir) if territory or region else None
    place: Territory | None = None
    others: list[Territory] = []
    if territory and index is not None:
        place, others = _territory(index, territory, type_)
    region_code = _region(index, region, kb) if region and index is not None else None
    if place is not None and region_code and place.region_code != region_code:
        click.echo(f"Note: --region {region} is not the région of {place.label}; using the "
                   "territory's.", err=True)
    chosen_programmes = None
    if programmes is not None:
        chosen_programmes = frozenset() if programmes.strip() == "none" else _split(
            programmes, "programmes", "--programmes", kb)
    profile = build_profile(kb.scoring, type=type_,
                            contexts=_split(contexts, "contexts", "--context", kb),
                            themes=_split(themes, "themes", "--themes", kb),
                            step=step, territory=place, index=index, region=region_code,
                            programmes=chosen_programmes)
    ctx.meta["territory_index"] = index
    return kb, profile, place, others


def _item_json(kb: KnowledgeBase, ranked: Ranked, lang: str) -> dict[str, Any]:
    item = ranked.item
    data: dict[str, Any] = {
        "id": item.id, "title": item.title, "summary": item.summary,
        "reason": kb.rules.reason(ranked, translator(lang)), "score": ranked.score,
        "sources": [{"title": s.title, "url": s.url} for s in item.sources],
    }
    for extra in ("audience", "how_to_reach", "url", "legal_basis"):
        if getattr(item, extra):
            data[extra] = getattr(item, extra)
    return data


def _profile_json(profile: Profile, place: Territory | None, others: list[Territory],
                  index: TerritoryIndex | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": profile.type, "contexts": sorted(profile.contexts),
        "themes": sorted(profile.themes), "step": profile.step, "region": profile.region,
        "size": profile.size, "programmes": sorted(profile.programmes), "territory": None,
    }
    if place is not None:
        facts = territory_facts(place, None, index)
        data["territory"] = {
            "kind": place.kind, "code": place.code, "name": place.name, "label": place.label,
            "population": place.population, "departement": facts["departement"],
            "region": place.region_code, "epci": facts["epci"],
            **{key: facts.get(key) for key in (
                "status", "note", "competences", "member_count", "detected_contexts",
                "programmes", "grouping_programmes", "programmes_grouping", "massif",
                "density", "epci_name", "epci_members", "ept_name",
                "departement_name", "departement_council", "departement_epci_count",
                "region_name", "region_council", "partners", "context_reading")},
            "alternatives": [{"kind": t.kind, "code": t.code, "label": t.label}
                             for t in others[:7]],
        }
    return data


@click.command()
@profile_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (profile, levers, funding, "
                                                      "contacts, examples).")
@click.pass_context
def recommend(ctx: click.Context, type_: str | None, contexts: str, themes: str,
              step: str | None, territory: str | None, region: str | None,
              programmes: str | None, lang: str, as_json: bool) -> None:
    """Recommend levers, funding tools, contacts and examples for a profile.

    Each item says why it was chosen; the same profile always gives the same answer.

        essbot recommend --territory 35238 --themes alimentation --step soutenir
    """
    kb, profile, place, others = _load(ctx, type_, contexts, themes, step, territory, region,
                                       programmes)
    chosen = recommendations(kb, profile, "full")
    if as_json:
        data: dict[str, Any] = {"profile": _profile_json(profile, place, others,
                                                         ctx.meta.get("territory_index"))}
        for kind, key in JSON_KINDS.items():
            data[key] = [_item_json(kb, r, lang) for r in chosen[kind]]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    t = translator(lang)
    index = ctx.meta.get("territory_index")
    names = names_of(place, index) if place is not None and index is not None else None
    told = told_here(kb, profile, names, t)  # « la DDETS » -> « la DEETS de Mayotte »
    if place is not None or profile.region:
        facts = [kb.label(vocabulary, value or "", t) for vocabulary, value in (
            ("collectivites", profile.type), ("regions", profile.region),
            ("sizes", profile.size)) if value in kb.vocabularies.get(vocabulary, {})]
        extra = [kb.label("contexts", value, t) for value in sorted(profile.contexts)]
        held = names.grouping_programmes if names is not None else ()
        grouping = names.programmes_grouping if names is not None else None
        extra += [programme_label(kb.label("programmes", value, t), value, held, grouping, t)
                  for value in sorted(profile.programmes)]
        said = (", ".join(facts) + (f" ({', '.join(extra)})" if extra else "") if facts
                else ", ".join(extra))
        # a collectivité d'outre-mer has no type of the taxonomy: no dash before nothing
        head = place.label if place is not None else ""
        click.echo(" — ".join(part for part in (head, said.strip()) if part))
        if place is not None and index is not None:
            click.echo(context_sentence(place.kind, index.context(place), t, profile.contexts))
        click.echo("")
    for kind, ranked in chosen.items():
        if not ranked:
            continue
        click.echo(t._(HEADINGS[kind]).upper() + "\n")
        for n, r in enumerate(localised(ranked, told), 1):
            click.echo(describe_item(r.item, t, n, reason=kb.rules.reason(r, t)) + "\n")


@click.command()
@profile_options
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; its extension (.pdf, .html or .md) sets the format. "
                   "Default: the three formats in the current folder, named after the "
                   "territory and the date.")
@click.pass_context
def plan(ctx: click.Context, type_: str | None, contexts: str, themes: str, step: str | None,
         territory: str | None, region: str | None, programmes: str | None, lang: str,
         output: Path | None) -> None:
    """Write the feuille de route (PDF, printable HTML, Markdown) for a profile.

        essbot plan --territory "Rennes Métropole" --themes mobilite --step identifier
        essbot plan --territory 23 --themes emploi-insertion --step soutenir --output plan.pdf
    """
    kb, profile, place, _ = _load(ctx, type_, contexts, themes, step, territory, region,
                                  programmes)
    if profile.step is None:
        raise click.BadParameter("the feuille de route needs the step", param_hint="--step")
    if output is not None and output.suffix.lower() not in FORMATS:
        raise click.BadParameter("the file name must end in .pdf, .html or .md",
                                 param_hint="--output")
    t = translator(lang)
    today = dt.date.today()
    chosen = recommendations(kb, profile, "full")
    index = ctx.meta.get("territory_index")
    names = names_of(place, index) if place is not None and index is not None else None
    doc = build_outline(kb, profile, chosen, t, today, names)  # one outline for every format
    if output is None:
        name = roadmap_filename(profile, today)
        targets = [Path(f"{name}{suffix}") for suffix in (".pdf", ".html", ".md")]
    else:
        targets = [output]
    for target in targets:
        try:
            data = render(doc, t, target.suffix)
        except PdfUnavailable as exc:
            click.echo(f"essbot: {exc}", err=True)
            if output is not None:
                raise SystemExit(1) from None
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        click.echo(f"Wrote {target}")
