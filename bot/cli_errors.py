"""How the command line reports flows or content that do not load (shared by every command)."""

from __future__ import annotations

from typing import NoReturn

import click

from bot.app import InvalidConfiguration


def exit_on_invalid(exc: InvalidConfiguration, closing: str) -> NoReturn:
    """Print each problem (file:line: message), then ``closing``, and exit with status 1."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    click.echo(closing, err=True)
    raise SystemExit(1) from None
