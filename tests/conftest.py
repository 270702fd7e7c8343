from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import App
from bot.config import PROJECT_ROOT, Settings
from bot.engine import Engine, Incoming, Outgoing
from tests.synapse import RegisteredUser, Synapse, SynapseUnavailable, shared_synapse

TEST_SECRET = "test-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Synapse:
    """One real homeserver on 127.0.0.1 for every Matrix test of the session."""
    try:
        server = shared_synapse(tmp_path_factory.mktemp("synapse"))
    except SynapseUnavailable as error:  # fail loudly: CI installs Synapse with the extras
        pytest.fail(f"the Matrix end-to-end tests need a Synapse homeserver: {error}",
                    pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def admin(synapse: Synapse) -> RegisteredUser:
    """The homeserver's administrator (its admin API lists a user's devices)."""
    return synapse.register("admin", admin=True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return replace(Settings.from_env({}), db_path=tmp_path / "essbot.db", secret=TEST_SECRET)


@pytest.fixture
def app(settings: Settings) -> App:
    app = App(settings)
    yield app
    app.close()


@pytest.fixture
def engine(app: App) -> Engine:
    return app.engine


class Chat:
    """Drives one user's conversation and keeps what the bot answered last."""

    def __init__(self, engine: Engine, user_id: str = "4242", channel: str = "test",
                 locale: str | None = "fr"):
        self.engine = engine
        self.user_id = user_id
        self.channel = channel
        self.locale = locale
        self.replies: list[Outgoing] = []

    def send(self, text: str) -> list[Outgoing]:
        self.replies = self.engine.handle(
            Incoming.text_message(self.channel, self.user_id, text, self.locale))
        return self.replies

    def press(self, label_or_payload: str) -> list[Outgoing]:
        """Press the button whose label contains the text (or whose payload equals it)."""
        payload = label_or_payload
        for choice in self.choices:
            if label_or_payload in choice.label:
                payload = choice.payload
                break
        self.replies = self.engine.handle(
            Incoming.choice(self.channel, self.user_id, payload, self.locale))
        return self.replies

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    @property
    def choices(self):
        return [c for reply in self.replies for c in reply.choices]

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.choices]

    @property
    def conversation(self):
        key = self.engine.pseudonymize(self.channel, self.user_id)
        return self.engine.store.load_conversation(key)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)


def to_the_programmes(chat: Chat, place: str = "roubaix") -> None:
    """From the start to the programmes question, the place found and its suggestions kept."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send(place)
    chat.send("oui")
    chat.send("oui")


def run_essbot(args: list[str], stdin: str = "", env: dict | None = None,
               cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """Run the installed command line, as a user would."""
    full_env = {**os.environ, "ESSBOT_SECRET": TEST_SECRET, **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, env=full_env, cwd=cwd, timeout=120)


def raw_db(store):
    """The store's database, for tests that look at the rows themselves."""
    with store.reading() as db:
        return db


@pytest.fixture(scope="session")
def kb():
    """The shipped knowledge base, loaded once, with no error (a file that needs another one
    defines its own)."""
    from bot.knowledge import load_knowledge

    knowledge, problems = load_knowledge(PROJECT_ROOT / "content", PROJECT_ROOT)
    assert not [p for p in problems if p.severity == "error"]
    return knowledge


@pytest.fixture(scope="session")
def index():
    """The shipped territory index (content/territoires/), loaded once (the territory tests
    define their own)."""
    from bot.knowledge.profile import load_territories
    from bot.knowledge.territory import default_territory_path

    return load_territories(default_territory_path(PROJECT_ROOT / "content"))


@pytest.fixture(scope="session")
def searcher():
    """The search over the shipped content (bot.qa), built once for the test files that
    only ask it questions; a file that needs another one defines its own."""
    from bot.knowledge import load_knowledge
    from bot.qa import build_searcher

    content = PROJECT_ROOT / "content"
    knowledge, _ = load_knowledge(content)
    built, _ = build_searcher(knowledge, content)
    return built
