"""The console channel: chat with the bot in a terminal, or script a conversation.

Interactive (stdin is a terminal): a prompt, and the conversation starts by
itself. Scripted (stdin is a pipe or a file): one user message per line, the
bot's replies printed as plain text, so that ``printf '/start\\n1\\n' | essbot
chat`` walks a conversation.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import TextIO

from bot.channels.links import plain_text
from bot.channels.typed import answerable
from bot.engine import Engine, Incoming, Outgoing

CHANNEL = "console"


def render(outgoing: Outgoing, width: int | None = None) -> str:
    """A message as plain text, choices as a numbered list; wrapped at ``width`` if given."""
    lines = plain_text(outgoing).split("\n")
    lines += [f"  {n}. {choice.label}" for n, choice in enumerate(outgoing.choices, 1)]
    if width is None:
        return "\n".join(lines)
    wrapped = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()))
        if line.lstrip()[:1].isdigit() or line.lstrip().startswith("–"):
            indent += "   "  # continuation lines of a list item align with its text
        wrapped.append(textwrap.fill(line, width, subsequent_indent=indent) or line)
    return "\n".join(wrapped)


class ConsoleChannel:
    def __init__(self, engine: Engine, stdin: TextIO, stdout: TextIO, *,
                 interactive: bool, language: str | None = None, user_id: str = "local",
                 documents_dir: Path = Path("var") / "documents"):
        self.engine = engine
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive
        self.language = language
        self.user_id = user_id
        self.documents_dir = documents_dir

    def send(self, text: str) -> None:
        """Pass one line typed by the user to the engine and print the replies.

        A number or a label picks from the list just shown: the engine remembers it. Only
        the last list of a turn is numbered (:func:`bot.channels.typed.answerable`).
        """
        incoming = Incoming.text_message(CHANNEL, self.user_id, text, self.language)
        for outgoing in answerable(self.engine.handle(incoming)):
            self.show(outgoing)

    def show(self, outgoing: Outgoing) -> None:
        width = min(shutil.get_terminal_size().columns, 100) - 1 if self.interactive else None
        self.stdout.write(render(outgoing, width) + "\n")
        if outgoing.document is not None:
            self.documents_dir.mkdir(parents=True, exist_ok=True)
            path = self.documents_dir / Path(outgoing.document.filename).name
            path.write_bytes(outgoing.document.data)
            self.stdout.write(f"  [{path}]\n")
        self.stdout.write("\n")
        self.stdout.flush()

    def run(self) -> None:
        if self.interactive:
            self.stdout.write("essbot — /aide pour l'aide, Ctrl-D pour quitter.\n\n")
            self.send("/start")
        while True:
            if self.interactive:
                self.stdout.write("vous › ")
                self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                break
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            if self.interactive:
                self.stdout.write("\n")
            self.send(text)
        if self.interactive:
            self.stdout.write("\nÀ bientôt !\n")
