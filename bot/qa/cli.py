"""``essbot ask`` and ``essbot questions unanswered`` (the interface is fixed: other tools
use it). See docs/questions.md."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from bot.cli_recommend import TYPES, _index, _region, _split
from bot.i18n import SUPPORTED_LANGUAGES, Translator, translator
from bot.knowledge import load_knowledge
from bot.knowledge.model import KnowledgeBase, Source
from bot.qa import build_searcher
from bot.qa.context import ask_context
from bot.qa.search import Direct, Hit, Result, Searcher


def sources_json(sources: tuple[Source, ...]) -> list[dict]:
    return [{"title": s.title, "url": s.url} for s in sources]


def hit_json(hit: Hit) -> dict:
    item = hit.item
    return {"id": item.id, "kind": item.kind, "title": item.title, "summary": item.summary,
            "score": hit.score, "sources": sources_json(item.sources)}


def result_json(result: Result, t: Translator) -> list[dict]:
    """The answers as ``essbot ask --json`` prints them; the first result carries the
    direct answer, when there is one, under ``answer``."""
    answers = [hit_json(h) for h in result.hits]
    if result.direct is not None and answers:
        answers[0]["answer"] = direct_json(result.direct, t)
    return answers


def direct_json(direct: Direct, t: Translator) -> dict:
    answer = direct.answer
    return {"text": answer.render(t), "id": answer.id, "score": direct.score,
            "sources": sources_json(answer.sources)}


def make_asker(knowledge: KnowledgeBase, content_dir: Path, top: int = 3,
               lang: str = "fr") -> Callable[[str], list[dict]]:
    """``question -> essbot ask --json`` for one content folder (evaluations, benchmarks)."""
    searcher, _ = build_searcher(knowledge, content_dir)
    return asker(searcher, top, lang)


def asker(searcher: Searcher, top: int = 3, lang: str = "fr") -> Callable[[str], list[dict]]:
    t = translator(lang)
    return lambda question: result_json(searcher.ask(question, top), t)


def _ordered(value: str, vocabulary: str, option: str, kb: KnowledgeBase) -> list[str]:
    """The values of a comma list, checked, in the order given (themes: the first first)."""
    _split(value, vocabulary, option, kb)
    return list(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, best first.")
@click.option("--top", type=click.IntRange(min=1, max=50), default=3, show_default=True,
              help="How many answers at most.")
@click.option("--lang", type=click.Choice(SUPPORTED_LANGUAGES), default="fr", show_default=True,
              help="Language of the messages.")
@click.option("--type", "type_", type=click.Choice(TYPES), default=None,
              help="Asked by this type of collectivité (as in the chat: what fits it first).")
@click.option("--region", default=None, metavar="CODE_OR_NAME",
              help="The asker's région (name or INSEE code): its CRESS, its examples first.")
@click.option("--context", "contexts", default="", metavar="LIST",
              help="Comma list of the asker's contexts: qpv, rural, urbain, fragile, littoral, "
                   "montagne, outre-mer.")
@click.option("--themes", default="", metavar="LIST",
              help="Comma list of the asker's themes (emploi-insertion, mobilite...): a "
                   "question with no subject of its own (« qui finance ? ») is about them.")
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool, top: int, lang: str,
        type_: str | None, region: str | None, contexts: str, themes: str) -> None:
    """Answer a question from the knowledge base, as the bot would: best answers first.

        essbot ask "c koi un PTCE" --json
        essbot ask "qui finance ?" --type commune --region 32 --themes emploi-insertion
    """
    content_dir = ctx.obj.content_dir
    root = Path.cwd()
    knowledge, problems = load_knowledge(content_dir, root)
    searcher, synonym_problems = build_searcher(knowledge, content_dir, root)
    errors = [p for p in problems + synonym_problems if p.severity == "error"]
    if errors:
        click.echo(f"warning: the content has {len(errors)} error(s); answers leave the broken "
                   "parts out (essbot content validate)", err=True)
    context = None
    if type_ or region or contexts or themes:  # the profile the chat would have
        region_code = _region(_index(content_dir), region, knowledge) if region else None
        context = ask_context(knowledge, type_, region_code,
                              _split(contexts, "contexts", "--context", knowledge),
                              _ordered(themes, "themes", "--themes", knowledge))
    result = searcher.ask(question, top, context.region if context else None, context)
    t = translator(lang)
    if as_json:
        click.echo(json.dumps(result_json(result, t), ensure_ascii=False, indent=2))
        return
    if not result.hits:
        click.echo(t._("Je n'ai pas trouvé de réponse sûre à cette question dans la base de "
                       "connaissances."))
        return
    if result.direct is not None:
        answer = result.direct.answer
        click.echo(t._("Réponse : {text}").format(text=answer.render(t)))
        for source in answer.sources:
            click.echo("   – " + source.title + (f" — {source.url}" if source.url else ""))
        click.echo("")
    for number, hit in enumerate(result.hits, 1):
        item = hit.item
        click.echo(f"{number}. {item.title}  [{item.id}, {item.kind}, {hit.score:.2f}]")
        click.echo(f"   {item.summary}")
        for source in item.sources:
            click.echo("   – " + source.title + (f" — {source.url}" if source.url else ""))


@click.group()
def questions() -> None:
    """The free-text questions users asked."""


@questions.command("unanswered")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite database (default: $ESSBOT_DB or ./var/essbot.db).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Show only the N most asked groups.")
@click.pass_context
def unanswered(ctx: click.Context, db_path: Path | None, as_json: bool,
               limit: int | None) -> None:
    """The questions the bot could not answer, similar wordings grouped, most asked first
    (redacted when stored): what content to add first."""
    from bot.qa.group import group_questions
    from bot.qa.storage import unanswered_questions
    from bot.store.log import LogReader

    path = db_path or ctx.obj.db_path
    rows = []
    if Path(path).exists():
        with LogReader(path) as reader:
            rows = unanswered_questions(reader) or []
    groups = group_questions(rows)[:limit] if limit else group_questions(rows)
    if as_json:
        click.echo(json.dumps(groups, ensure_ascii=False, indent=2))
        return
    if not groups:
        click.echo("No unanswered question recorded.")
        return
    width = max(len(str(g["count"])) for g in groups)
    for group in groups:
        click.echo(f"{group['count']:>{width}}  {group['question']}  (last asked "
                   f"{str(group['last_asked'])[:10]})")
        for other in group["similar"]:
            click.echo(f"{'':>{width}}    ~ {other}")
