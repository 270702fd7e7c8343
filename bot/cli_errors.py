"""How the command line reports what stops it: one clear line, a non-zero status, no secret.

- flows or content that do not load: each problem (``file:line: message``), status 1;
- settings that cannot be used: one line per variable, status 2 (a usage error);
- anything else that escapes a command (a corrupt database, a locked one, a network
  failure, a bug): one line saying what failed, status 1. The traceback is printed only
  with ``ESSBOT_LOG_LEVEL=DEBUG``, and every configured secret (and anything shaped like a
  bot token) is scrubbed from the message first, whatever produced it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import traceback
from collections.abc import Callable, Iterable
from typing import NoReturn

import click

from bot.app import InvalidConfiguration
from bot.settings import Problem, secret_values

USAGE = 2  # the settings or the command line are wrong: fix them, do not restart blindly
FAILURE = 1  # something failed at run time
MAX_LINE = 300
_TOKEN_SHAPED = re.compile(r"\b\d{5,20}:[A-Za-z0-9_-]{20,}")
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


def exit_on_invalid(exc: InvalidConfiguration, closing: str) -> NoReturn:
    """Print each problem (file:line: message), then ``closing``, and exit with status 1."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    click.echo(closing, err=True)
    raise SystemExit(FAILURE) from None


def exit_on_settings(problems: Iterable[Problem]) -> NoReturn:
    """One line per unusable variable, then what to do; status 2."""
    problems = list(problems)
    for problem in problems:
        click.echo(f"essbot: {problem}", err=True)
    noun = "problem" if len(problems) == 1 else "problems"
    click.echo(f"essbot: {len(problems)} {noun} in the settings (environment or .env); "
               "see .env.example, and 'essbot config check'.", err=True)
    raise SystemExit(USAGE) from None


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without any of ``secrets``, bot tokens or URL credentials."""
    for secret in secrets:
        text = text.replace(secret, "[hidden]")
    text = _TOKEN_SHAPED.sub("[hidden]", text)
    return _URL_CREDENTIALS.sub("[hidden]@", text)


def describe(exc: BaseException) -> str:
    """What failed, in one line (before scrubbing)."""
    from bot.store.db import StoreError
    from bot.store.lock import InstanceLocked

    if isinstance(exc, (StoreError, InstanceLocked)):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return f"the database cannot be used ({exc}); see docs/reliability.md"
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"unexpected error ({type(exc).__name__}{': ' + message if message else ''})"


def debugging() -> bool:
    return (os.environ.get("ESSBOT_LOG_LEVEL") or "").strip().upper() == "DEBUG"


def run_guarded(command: Callable[[], object]) -> None:
    """Run the command line; an exception that escapes it becomes one line and status 1."""
    try:
        command()
    except (SystemExit, click.exceptions.Exit):
        raise
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        secrets = secret_values(os.environ)
        if debugging():
            click.echo(scrub(traceback.format_exc(), secrets), err=True, nl=False)
        line = scrub(describe(exc), secrets).replace("\n", " ")[:MAX_LINE]
        hint = "" if debugging() else " (details: ESSBOT_LOG_LEVEL=DEBUG)"
        click.echo(f"essbot: {line}{hint}", err=True)
        raise SystemExit(FAILURE) from None
    return None
