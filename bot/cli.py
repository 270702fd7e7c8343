"""The ``essbot`` command line."""

from __future__ import annotations

import io
import logging
import sys
from dataclasses import replace
from pathlib import Path

import click
from dotenv import load_dotenv

from bot import __version__
from bot.admin import cli as admin_cli
from bot.app import App, InvalidConfiguration, load_all, load_content
from bot.broadcast import cli as broadcast_cli
from bot.cli_errors import exit_on_invalid, exit_on_settings, run_guarded
from bot.cli_recommend import plan, recommend
from bot.config import Settings, SettingsProblem
from bot.engine.graph import to_dot, to_mermaid
from bot.i18n import SUPPORTED_LANGUAGES
from bot.qa import cli as qa_cli
from bot.yamlsrc import Problem

log = logging.getLogger("essbot")


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


def _with_dirs(settings: Settings, flows_dir: Path | None, content_dir: Path | None) -> Settings:
    return replace(settings, flows_dir=flows_dir or settings.flows_dir,
                   content_dir=content_dir or settings.content_dir)


def _report(problems: list[Problem], what: str, summary: str) -> None:
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        click.echo(str(problem), err=bool(errors))
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        click.echo(f"{what}: {len(errors)} {noun}.", err=True)
        raise SystemExit(1)
    click.echo(summary)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="essbot")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """essbot: a chatbot that guides French local authorities in developing the ESS.

    Settings come from the environment, or from a .env file in the current
    folder (see .env.example).
    """
    load_dotenv(Path.cwd() / ".env", override=False)
    try:
        settings = Settings.from_env()
    except SettingsProblem as bad:
        # ``config check`` shows the problems itself; help is shown whatever the settings.
        if ctx.invoked_subcommand == "config" or {"-h", "--help"} & set(sys.argv[1:]):
            return
        exit_on_settings(bad.problems)
    logging.basicConfig(level=getattr(logging, settings.log_level, logging.WARNING),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = settings


@cli.command()
@click.option("--lang", type=click.Choice(SUPPORTED_LANGUAGES), default=None,
              help="Language of the conversation (default: French).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite database (default: $ESSBOT_DB or ./var/essbot.db).")
@click.option("--user", default="local", show_default=True,
              help="Who is chatting: each user has their own conversation.")
@click.pass_context
def chat(ctx: click.Context, lang: str | None, db_path: Path | None, user: str) -> None:
    """Chat with the bot in the terminal.

    When standard input is not a terminal, each line is one message and the
    replies are printed as plain text:

        printf '/start\\n1\\n' | essbot chat
    """
    from bot.channels.console import ConsoleChannel

    settings = _settings(ctx)
    if db_path is not None:
        settings = replace(settings, db_path=db_path)
    app = _app_or_exit(settings)
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace") \
        if hasattr(sys.stdin, "buffer") else sys.stdin
    channel = ConsoleChannel(app.engine, stdin, sys.stdout, interactive=sys.stdin.isatty(),
                             language=lang, user_id=user,
                             documents_dir=Path(settings.db_path).parent / "documents")
    try:
        channel.run()
    except KeyboardInterrupt:
        click.echo("\nÀ bientôt !")
    finally:
        app.close()


@cli.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Serve users on every channel configured in the environment (Telegram, Matrix).

    Stops cleanly on Ctrl-C or SIGTERM; conversations are stored as they go,
    so a restart loses nothing.
    """
    import asyncio
    import os

    from bot.runner import NoChannelConfigured, Runner
    from bot.store.lock import InstanceLock

    settings = _settings(ctx)
    # One instance per database: a second one exits here, before touching anything.
    with InstanceLock.for_database(settings.db_path):
        app = _app_or_exit(settings)
        try:
            runner = Runner(app, os.environ)
        except NoChannelConfigured as none:
            app.close()
            click.echo("No channel is configured. Set, in the environment or in .env:",
                       err=True)
            for entry in none.entries:
                click.echo(f"  - {entry.name}: {entry.variables}", err=True)
            click.echo("See .env.example. To chat in this terminal instead: essbot chat",
                       err=True)
            raise SystemExit(2) from None
        asyncio.run(runner.serve())
        if runner.failure is not None:
            click.echo(f"essbot run stopped: {runner.failure}", err=True)
            raise SystemExit(1)


def _app_or_exit(settings: Settings) -> App:
    try:
        return App(settings)
    except InvalidConfiguration as exc:
        exit_on_invalid(exc, "The bot cannot start: fix the errors above "
                             "(essbot flows validate, essbot content validate).")


@cli.group()
def flows() -> None:
    """Check and draw the conversation flows (flows/*.yaml)."""


@flows.command("validate")
@click.option("--flows-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of flow files (default: $ESSBOT_FLOWS_DIR or ./flows).")
@click.option("--content-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of content files (default: $ESSBOT_CONTENT_DIR or ./content).")
@click.pass_context
def flows_validate(ctx: click.Context, flows_dir: Path | None, content_dir: Path | None) -> None:
    """Check every flow; print file:line:column for each problem; exit 1 on any error."""
    loaded = load_all(_with_dirs(_settings(ctx), flows_dir, content_dir))
    flow_problems = list(loaded.flow_problems)
    content_errors = [p for p in loaded.content_problems if p.severity == "error"]
    if content_errors:
        flow_problems.append(Problem(None, f"the content has {len(content_errors)} error(s), "
                                           "and flows depend on it: run "
                                           "'essbot content validate'"))
    states = sum(len(flow.states) for flow in loaded.flows.values())
    _report(flow_problems, "flows",
            f"OK: {len(loaded.flows)} flow(s), {states} states, no problem found.")


@flows.command("graph")
@click.option("--flow", "flow_id", default=None, help="Flow id (default: the main flow).")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg", "png"]),
              default="mermaid", show_default=True,
              help="Diagram language; svg and png need Graphviz.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: print; required for png).")
@click.option("--lang", type=click.Choice(SUPPORTED_LANGUAGES), default="fr", show_default=True,
              help="Language of the labels.")
@click.pass_context
def flows_graph(ctx: click.Context, flow_id: str | None, fmt: str, output: Path | None,
                lang: str) -> None:
    """Print or write the diagram of a flow; unreachable or faulty states are in red."""
    from bot.admin.diagram import GRAPHVIZ_FORMATS, GraphvizMissing, find_flow, render

    settings = _settings(ctx)
    flow_id = flow_id or settings.main_flow
    found = find_flow(settings, flow_id)
    for problem in found.problems:
        click.echo(str(problem), err=True)
    if found.flow is None:
        click.echo(f"No valid flow '{flow_id}' (valid flows: {', '.join(found.valid) or 'none'})."
                   " Run 'essbot flows validate' to see problems.", err=True)
        raise SystemExit(1)
    if found.highlight:
        click.echo(f"Marked in red: {', '.join(sorted(found.highlight))}", err=True)
    if fmt == "mermaid":
        data: str | bytes = to_mermaid(found.flow, lang, found.highlight)
    else:
        data = to_dot(found.flow, lang, found.highlight)
    if fmt in GRAPHVIZ_FORMATS:
        if fmt == "png" and output is None:
            click.echo("A png diagram must go to a file: add --output diagram.png", err=True)
            raise SystemExit(1)
        try:
            data = render(str(data), fmt)
        except GraphvizMissing as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(1) from None
    if output is None:
        click.echo(data if isinstance(data, str) else data.decode(), nl=False)
        return
    if isinstance(data, str):
        output.write_text(data, encoding="utf-8")
    else:
        output.write_bytes(data)
    click.echo(f"Diagram of '{flow_id}' written to {output}", err=True)


@cli.group()
def content() -> None:
    """Check the knowledge base (content/*.yaml)."""


@content.command("validate")
@click.option("--content-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of content files (default: $ESSBOT_CONTENT_DIR or ./content).")
@click.pass_context
def content_validate(ctx: click.Context, content_dir: Path | None) -> None:
    """Check every knowledge item; print file:line:column for each problem; exit 1 on error."""
    directory = content_dir or _settings(ctx).content_dir
    knowledge, problems = load_content(directory, Path.cwd())
    counts: dict[str, int] = {}
    for item in knowledge.items.values():
        counts[item.kind] = counts.get(item.kind, 0) + 1
    detail = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    warnings = sum(p.severity == "warning" for p in problems)
    found = f"{warnings} warning(s) above" if warnings else "no problem found"
    _report(problems, "content", f"OK: {len(knowledge.items)} items ({detail}), {found}.")


@content.command("coverage")
@click.option("--content-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of content files (default: $ESSBOT_CONTENT_DIR or ./content).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for tools.")
@click.pass_context
def content_coverage(ctx: click.Context, content_dir: Path | None, as_json: bool) -> None:
    """The levers and funding items of each type × theme × step, and what each context and
    programme changes; exit 1 when a cell is empty or a context or programme changes nothing.
    """
    import json

    from bot.knowledge import coverage

    directory = content_dir or _settings(ctx).content_dir
    knowledge, problems = load_content(directory, Path.cwd())
    errors = [p for p in problems if p.severity == "error"]
    if errors or knowledge.scoring is None:
        click.echo(f"content: {len(errors)} error(s); run 'essbot content validate' first.",
                   err=True)
        raise SystemExit(1)
    report = coverage.coverage(knowledge)
    if as_json:
        click.echo(json.dumps(coverage.as_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(coverage.as_text(report))
    if not report.complete:
        raise SystemExit(1)


cli.add_command(recommend)
cli.add_command(qa_cli.ask)
cli.add_command(qa_cli.questions)
cli.add_command(plan)
flows.add_command(admin_cli.flows_test)
cli.add_command(admin_cli.stats)
cli.add_command(admin_cli.purge)
cli.add_command(admin_cli.export)
cli.add_command(broadcast_cli.broadcast)


@cli.group("config")
def config_group() -> None:
    """Check the settings (environment and .env)."""


@config_group.command("check")
def config_check() -> None:
    """Print the effective settings (secrets hidden) and every problem; exit 2 on any."""
    import os

    from bot.settings import effective, validate

    validated = validate(os.environ)
    width = max(len(name) for name, _, _ in effective(validated))
    for name, shown, origin in effective(validated):
        click.echo(f"{name.ljust(width)}  {shown}" + ("  (default)" if origin == "default"
                                                      else ""))
    if validated.problems:
        click.echo("", err=True)
        exit_on_settings(validated.problems)
    click.echo("\n" + _database_status(Settings.from_env(os.environ).db_path))
    click.echo("OK: the settings are valid.")


def _database_status(path: Path) -> str:
    """One line on the database: whether it exists, its mode, whether a bot serves it."""
    import stat

    from bot.store.lock import InstanceLock

    holder = InstanceLock.for_database(path).holder()
    running = f"essbot run is serving it (pid {holder})" if holder else "no essbot run on it"
    if not path.exists():
        return f"Database: {path} (not created yet: created 0600 at the first start); {running}"
    mode = stat.S_IMODE(path.stat().st_mode)
    loose = "" if not mode & 0o077 else " — readable by others: chmod 600 it"
    return f"Database: {path} ({path.stat().st_size:,} bytes, mode {mode:o}{loose}); {running}"


@cli.command()
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Database to back up (default: $ESSBOT_DB or ./var/essbot.db).")
@click.option("--force", is_flag=True, help="Replace DESTINATION if it exists.")
@click.pass_context
def backup(ctx: click.Context, destination: Path, db_path: Path | None, force: bool) -> None:
    """Copy the database to DESTINATION, consistent even while the bot runs.

    Uses SQLite's online backup; the copy is checked, then moved into place, readable by
    its owner only. The pseudonym secret is not in it: keep ESSBOT_SECRET (or
    var/essbot.secret) too. Restore: docs/reliability.md.
    """
    from bot.store.backup import backup_database

    source = db_path or _settings(ctx).db_path
    result = backup_database(source, destination, replace=force)
    click.echo(f"Backed up {source} to {destination} ({result.size:,} bytes, "
               f"{result.conversations} conversation(s), {result.events} event(s)).")


def main() -> None:
    run_guarded(lambda: cli.main(prog_name="essbot"))


if __name__ == "__main__":
    main()
