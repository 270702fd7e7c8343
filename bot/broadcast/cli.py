"""``essbot broadcast``: publish an update from a file, follow its delivery, list them."""

from __future__ import annotations

import getpass
import json
import sys
import time
from pathlib import Path

import click

from bot.broadcast.fileformat import load_draft
from bot.broadcast.render import Vocabularies, targeting_text, update_text
from bot.broadcast.service import BroadcastService
from bot.broadcast.storage import Progress
from bot.config import Settings
from bot.i18n import translator
from bot.knowledge import load_knowledge
from bot.store import Store


def _service(ctx: click.Context, with_vocabularies: bool = False) -> BroadcastService:
    settings: Settings = ctx.obj
    vocabularies: Vocabularies = {}
    if with_vocabularies:
        knowledge, _problems = load_knowledge(settings.content_dir, Path.cwd())
        vocabularies = knowledge.vocabularies
    store = Store(settings.db_path)
    ctx.call_on_close(store.close)
    return BroadcastService.from_settings(settings, store, vocabularies)


@click.group()
def broadcast() -> None:
    """Publish updates to subscribers and follow their delivery (docs/broadcast.md).

    Messages are sent by 'essbot run', at the pace the messaging networks allow.
    """


@broadcast.command("send")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Check the file and show the message and its recipients; send nothing.")
@click.pass_context
def send(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """Publish the update described in FILE (YAML; format in docs/broadcast.md)."""
    service = _service(ctx, with_vocabularies=True)
    draft, problems = load_draft(file, service.vocabularies, root=Path.cwd())
    for problem in problems:
        click.echo(str(problem), err=True)
    if draft is None:
        noun = "error" if len(problems) == 1 else "errors"
        click.echo(f"{file}: {len(problems)} {noun}; nothing was published.", err=True)
        raise SystemExit(1)
    t = translator(draft.language)
    recipients = service.updates.recipients(draft.targeting)
    click.echo(update_text(draft, t))
    click.echo("")
    click.echo(targeting_text(draft.targeting, service.vocabularies, t))
    by_channel: dict[str, int] = {}
    for subscription in recipients:
        by_channel[subscription.channel] = by_channel.get(subscription.channel, 0) + 1
    detail = ", ".join(f"{n} on {name}" for name, n in sorted(by_channel.items()))
    click.echo(f"Recipients: {len(recipients)}" + (f" ({detail})" if detail else ""))
    if dry_run:
        click.echo("Dry run: nothing was published.")
        return
    author = service.pseudonymize("cli", getpass.getuser())
    update = service.publish(draft, author=author, origin="cli")
    click.echo(f"Published update {update.id}: {update.recipients} message(s) queued; "
               f"'essbot run' sends them. Follow: essbot broadcast status {update.id}")


def _line(progress: Progress) -> str:
    line = (f"sent {progress.sent}, pending {progress.pending}, failed {progress.failed}"
            f" of {progress.total}")
    if progress.unknown:
        line += f"; unknown {progress.unknown} (interrupted by a crash: see docs/broadcast.md)"
    if progress.cancelled:
        line += f"; cancelled {progress.cancelled} (unsubscribed meanwhile)"
    return line


@broadcast.command("status")
@click.argument("update_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--wait/--no-wait", default=None,
              help="Follow a running broadcast with a progress bar until it is done "
                   "(default: yes in a terminal, unless --json).")
@click.option("--interval", type=float, default=0.5, show_default=True,
              help="Seconds between two refreshes.")
@click.pass_context
def status(ctx: click.Context, update_id: int, as_json: bool, wait: bool | None,
           interval: float) -> None:
    """Show how far the delivery of update UPDATE_ID has come."""
    service = _service(ctx)
    update = service.updates.get(update_id)
    if update is None:
        click.echo(f"No update {update_id}. See: essbot broadcast list", err=True)
        raise SystemExit(1)
    progress = service.updates.progress(update_id)
    if wait is None:
        wait = not as_json and sys.stdout.isatty()  # click.get_text_stream is deprecated
    if wait and not progress.done:
        label = f"update {update_id}"

        def current_line(_: Progress | None) -> str:
            return _line(progress)  # the latest progress, read again after each sleep

        with click.progressbar(length=progress.total, label=label,
                               item_show_func=current_line) as bar:
            shown = 0
            while True:
                done = progress.total - progress.pending
                bar.update(done - shown, progress)
                shown = done
                if progress.done:
                    break
                time.sleep(interval)
                progress = service.updates.progress(update_id)
    if as_json:
        click.echo(json.dumps({"id": update_id, "title": update.title,
                               "created_at": update.created_at, **progress.as_dict()}))
    else:
        click.echo(f"Update {update_id} « {update.title} » ({update.created_at[:16]} UTC): "
                   + _line(progress) + (" — done." if progress.done else " — running."))


@broadcast.command("list")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@click.pass_context
def list_updates(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List past updates, the latest first, with their delivery counts."""
    service = _service(ctx)
    updates = service.updates.recent(limit)
    progress = service.updates.progress_all(u.id for u in updates)
    if not updates:
        click.echo("No update has been published yet.")
        return
    for update in updates:
        p = progress[update.id]
        if as_json:
            click.echo(json.dumps({"id": update.id, "created_at": update.created_at,
                                   "origin": update.origin, "title": update.title,
                                   "deadline": update.deadline.isoformat()
                                   if update.deadline else None, **p.as_dict()}))
            continue
        title = update.title if len(update.title) <= 50 else update.title[:49] + "…"
        click.echo(f"{update.id:>5}  {update.created_at[:16]}  {update.origin:<4}  "
                   f"{title:<50}  sent {p.sent}/{p.total}, pending {p.pending}, "
                   f"failed {p.failed}" + (f", unknown {p.unknown}" if p.unknown else ""))


@broadcast.command("retry")
@click.argument("update_id", type=int)
@click.option("--unknown", is_flag=True, required=True,
              help="Send again the messages a crash left in doubt (some may arrive twice).")
@click.pass_context
def retry(ctx: click.Context, update_id: int, unknown: bool) -> None:
    """Queue again the messages of UPDATE_ID whose delivery a crash left unknown."""
    service = _service(ctx)
    count = service.updates.requeue_unknown(update_id)
    click.echo(f"{count} message(s) queued again; 'essbot run' sends them.")
