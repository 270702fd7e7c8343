"""Administrators' commands: ``essbot flows test``, ``stats``, ``purge``, ``export events``.

Registered on the main command line by :mod:`bot.cli`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from bot.admin import stats as stats_module
from bot.admin.export import FORMATS, export_events
from bot.admin.purge import purge as purge_store
from bot.admin.scripts import format_failure, run_paths
from bot.config import Settings
from bot.store import Store
from bot.store.log import LogReader

DB_OPTION = click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                         default=None, help="SQLite database (default: $ESSBOT_DB or "
                                            "./var/essbot.db).")


def _db(ctx: click.Context, db_path: Path | None) -> Path:
    path = db_path or ctx.obj.db_path
    if not Path(path).exists():
        click.echo(f"No database at {path}: the bot has not run yet, or set ESSBOT_DB "
                   "(or --db).", err=True)
        raise SystemExit(1)
    return Path(path)


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2026-01-31",
                                 param_hint="--since") from None


# -- essbot flows test -------------------------------------------------------------------


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def flows_test(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Run conversation scripts (default: flows/tests/); exit 1 if one fails.

    Each failing step is shown with its file:line, what was expected and what the
    bot did. The format of scripts is in docs/admin.md.
    """
    settings: Settings = ctx.obj
    targets = list(paths) or [Path(settings.flows_dir) / "tests"]
    if not paths and not targets[0].is_dir():
        click.echo(f"No folder {targets[0]}: write scripts there, or name them.", err=True)
        raise SystemExit(1)
    from bot.app import InvalidConfiguration
    from bot.cli_errors import exit_on_invalid

    try:
        results, problems = run_paths(settings, targets, Path.cwd())
    except InvalidConfiguration as exc:
        exit_on_invalid(exc, "The flows or content have errors: fix them first "
                             "(essbot flows validate, essbot content validate).")
    for problem in problems:
        click.echo(str(problem), err=True)
    failed = [r for r in results if not r.passed]
    for result in failed:
        click.echo(format_failure(result) + "\n")
    steps = sum(r.steps_run for r in results)
    summary = (f"{len(results)} script(s), {steps} step(s): {len(results) - len(failed)} "
               f"passed, {len(failed)} failed")
    if problems:
        summary += f", {len(problems)} problem(s) in the scripts themselves"
    click.echo(summary + ".")
    if failed or problems or not results:
        raise SystemExit(1)


# -- essbot stats ------------------------------------------------------------------------


@click.command("stats")
@click.option("--since", default=None, help="Only events from this date on (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also draw the funnel and the distributions into this PNG file.")
@DB_OPTION
@click.pass_context
def stats(ctx: click.Context, since: str | None, as_json: bool, chart: Path | None,
          db_path: Path | None) -> None:
    """Usage statistics from the anonymised log; groups under 5 conversations are hidden."""
    from bot.app import load_all
    from bot.qa.storage import unanswered_questions

    settings: Settings = ctx.obj
    path = _db(ctx, db_path)
    loaded = load_all(settings)  # for the order of states and the labels of values
    start = _since(since)
    with LogReader(path) as reader:
        report = stats_module.compute(reader.events(start, with_users_only=True),
                                      unanswered_questions(reader, since=start), start,
                                      loaded.flows, settings.main_flow,
                                      settings.default_language)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(stats_module.render_text(report), nl=False)
    if chart is not None:
        from bot.admin.chart import ChartUnavailable, write_chart

        try:
            write_chart(report, chart)
        except ChartUnavailable as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(1) from None
        click.echo(f"Chart written to {chart}", err=as_json)


# -- essbot purge ------------------------------------------------------------------------


@click.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep this many days (default: $ESSBOT_RETENTION_DAYS or 365).")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@DB_OPTION
@click.pass_context
def purge(ctx: click.Context, days: int | None, dry_run: bool, db_path: Path | None) -> None:
    """Delete events older than N days and conversations idle for N days."""
    settings: Settings = ctx.obj
    days = days or settings.retention_days
    from bot.app import default_features

    store = Store(_db(ctx, db_path))
    try:
        features = default_features(settings)
        for feature in features:
            store.migrate_feature(feature.name, feature.migrations)
        result = purge_store(store, days, dry_run=dry_run, others=[f.purge for f in features])
    finally:
        store.close()
    click.echo(f"{'Dry run: ' if dry_run else ''}{str(result)[0].upper()}{str(result)[1:]} "
               f"(retention: {days} days).")


# -- essbot export events ----------------------------------------------------------------


@click.group("export")
def export() -> None:
    """Export the anonymised log, for a spreadsheet or Datasette."""


@export.command("events")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--since", default=None, help="Only events from this date on (YYYY-MM-DD).")
@DB_OPTION
@click.pass_context
def export_events_command(ctx: click.Context, fmt: str, output: Path | None, since: str | None,
                          db_path: Path | None) -> None:
    """Write every event (pseudonyms and categorical values only) as CSV or JSON Lines."""
    path = _db(ctx, db_path)
    target = open(output, "w", encoding="utf-8", newline="") if output else nullcontext(  # noqa: SIM115
        sys.stdout)
    with LogReader(path) as reader, target as out:
        count = export_events(reader, out, fmt, _since(since))
    if output:
        click.echo(f"{count} event(s) written to {output}", err=True)
