"""Live reload: a valid version is served at once, an invalid one is refused with file:line,
and conversations in flight follow renamed states or fall back, without crashing."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import App
from bot.config import PROJECT_ROOT, Settings
from bot.engine import Outgoing
from bot.engine.dispatch import Dispatcher
from bot.feature import Runtime
from bot.reload import FileWatcher, source_files
from tests.admin_demo import DEMO_FLOWS, FULL
from tests.conftest import TEST_SECRET, Chat

ADMIN = ("test", "admin-1")


@pytest.fixture
def live_settings(tmp_path: Path) -> Settings:
    """A copy of flows/ and content/ that the test may edit while the bot runs."""
    shutil.copytree(DEMO_FLOWS, tmp_path / "flows")
    shutil.copytree(PROJECT_ROOT / "content", tmp_path / "content")
    return replace(Settings.from_env({}), db_path=tmp_path / "essbot.db", secret=TEST_SECRET,
                   flows_dir=tmp_path / "flows", content_dir=tmp_path / "content",
                   main_flow="demo", admins=(":".join(ADMIN),), reload_interval=0)


@pytest.fixture
def live_app(live_settings: Settings):
    app = App(live_settings)
    yield app
    app.close()


@pytest.fixture
def live_engine(live_app: App):
    return live_app.engine


def admin_of(app: App, channels: list) -> tuple:
    """The admin feature, started as ``essbot run`` would, with these channels."""
    runtime = Runtime(app.engine, app.store, channels, Dispatcher(app.engine), None, app.reload)
    admin = app.feature("admin")
    admin.start(runtime)
    return admin, runtime


async def stop(admin, runtime: Runtime) -> None:
    await admin.stop()
    await runtime.cancel_tasks()


def edit(settings: Settings, old: str, new: str, name: str = "demo.yaml") -> Path:
    path = settings.flows_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(fragment)


class FakeChannel:
    """Records what is pushed to administrators."""

    def __init__(self, name: str = "test"):
        self.name = name
        self.delivered: list[tuple[str, str]] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, user_id: str, message: Outgoing) -> None:
        self.delivered.append((user_id, message.text))


def test_a_valid_change_is_served_without_restart(live_settings, live_engine):
    edit(live_settings, "Bonjour ! Bienvenue", "Salut ! Bienvenue")
    admin = Chat(live_engine, user_id=ADMIN[1], channel=ADMIN[0])
    admin.send("/start")
    admin.send("/recharger")
    assert "Nouvelle version chargée" in admin.text
    assert "demo (" in admin.text
    newcomer = Chat(live_engine, user_id="newcomer")
    newcomer.send("/start")
    assert "Salut ! Bienvenue" in newcomer.text


def test_an_invalid_change_is_refused_and_admins_get_file_and_line(live_settings, live_app,
                                                                    live_engine):
    path = edit(live_settings, "        next: collectivite\n", "        next: colectivite\n")
    line = line_of(path, "next: colectivite")
    user = Chat(live_engine, user_id="someone")
    user.send("/start")
    channel = FakeChannel()

    async def scenario():
        admin, runtime = admin_of(live_app, [channel])
        result = await admin.reload_and_tell("files")
        await stop(admin, runtime)
        return result

    result = asyncio.run(scenario())
    assert not result.ok
    # The administrator is told, in chat, where the error is.
    assert len(channel.delivered) == 1
    user_id, text = channel.delivered[0]
    assert user_id == ADMIN[1]
    assert "je continue avec la version précédente" in text
    assert f"demo.yaml:{line}:" in text and "Did you mean 'collectivite'?" in text
    # ... and the bot goes on with the last good version.
    user.press("Commencer")
    assert live_engine.snapshot.flows["demo"].states["accueil"].choices[0].branches[0].target \
        == "collectivite"
    assert user.conversation.state == "collectivite"
    assert "Pour quel type de collectivité" in user.text


def test_reload_in_chat_reports_errors_to_the_admin(live_settings, live_engine, caplog):
    path = edit(live_settings, "start: accueil", "start: acceuil")
    admin = Chat(live_engine, user_id=ADMIN[1], channel=ADMIN[0])
    admin.send("/start")
    admin.send("/reload")
    assert re.search(rf"demo\.yaml:{line_of(path, 'start: acceuil')}:\d+: error: "
                     r"'start': unknown target state 'acceuil'", admin.text)
    assert "acceuil" in caplog.text  # the log has the same errors


def test_file_changes_are_noticed_once_settled(live_settings):
    watcher = FileWatcher(lambda: source_files(live_settings))
    assert watcher.poll() is False
    path = live_settings.flows_dir / "demo.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert watcher.poll() is False, "a change is first left to settle"
    assert watcher.poll() is True
    assert watcher.poll() is False


async def delivered(channel: FakeChannel, timeout: float = 5.0) -> None:
    """Wait until the channel got a message (the test then checks it), at most ``timeout``."""
    for _ in range(int(timeout / 0.05)):
        await asyncio.sleep(0.05)
        if channel.delivered:
            return


def test_the_watcher_reloads_and_tells_admins(live_settings):
    settings = replace(live_settings, reload_interval=0.05)
    channel = FakeChannel()
    app = App(settings)

    async def scenario():
        admin, runtime = admin_of(app, [channel])
        edit(settings, "Bonjour ! Bienvenue", "Salut ! Bienvenue")
        await delivered(channel)
        await stop(admin, runtime)

    asyncio.run(scenario())
    assert channel.delivered and "Nouvelle version chargée" in channel.delivered[0][1]
    user = Chat(app.engine, user_id="u")
    user.send("/start")
    assert "Salut ! Bienvenue" in user.text
    app.close()


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")
def test_sighup_reloads(live_settings, live_app):
    channel = FakeChannel()
    edit(live_settings, "Bonjour ! Bienvenue", "Coucou ! Bienvenue")

    async def scenario():
        admin, runtime = admin_of(live_app, [channel])
        os.kill(os.getpid(), signal.SIGHUP)
        await delivered(channel)
        await stop(admin, runtime)

    asyncio.run(scenario())
    assert channel.delivered and "Nouvelle version chargée" in channel.delivered[0][1]


# -- conversations in flight ----------------------------------------------------------------


def walk_to(chat: Chat, state: str) -> None:
    for step in FULL:
        if chat.conversation and chat.conversation.state == state:
            return
        chat.send(step)
    assert chat.conversation.state == state


def rewrite(settings: Settings, change) -> None:
    path = settings.flows_dir / "demo.yaml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def without_avis(text: str) -> str:
    start, end = text.index("  avis:\n    say:"), text.index("  themes:\n    say:")
    return (text[:start] + text[end:]).replace("      next: avis", "      next: themes")


def test_a_renamed_state_keeps_the_conversation_there(live_settings, live_app, live_engine):
    user = Chat(live_engine)
    walk_to(user, "territoire")
    rewrite(live_settings, lambda text: text.replace("next: territoire", "next: ou").replace(
        "  territoire:\n    say:", "  ou:\n    renamed_from: territoire\n    say:"))
    assert live_app.reload("chat").ok
    user.send("Rennes")
    assert "Le parcours a été mis à jour" in user.text
    assert "Quel est votre territoire ?" in user.text  # where they are now
    assert user.conversation.state == "ou"
    assert user.conversation.slots == {"collectivite": "commune"}
    user.send("Rennes")
    assert user.conversation.state == "avis"
    user.send("/retour")  # the back stack follows the renaming too
    assert user.conversation.state == "ou"


def test_a_removed_state_leads_to_the_flow_fallback(live_settings, live_app, live_engine):
    user = Chat(live_engine)
    walk_to(user, "avis")
    rewrite(live_settings, lambda text: without_avis(text).replace(
        "start: accueil\n", "start: accueil\nfallback: themes\n"))
    result = live_app.reload("files")
    assert result.ok, [str(p) for p in result.problems]
    replies = user.send("Oui")
    assert not any("erreur interne" in r.text for r in replies)
    assert "Le parcours a été mis à jour" in user.text
    assert "Sur quel thème voulez-vous agir" in user.text
    assert user.conversation.state == "themes"
    assert user.conversation.slots == {"collectivite": "commune", "lieu": "Rennes"}
    user.send("/retour")  # 'avis' is gone from the back stack: no crash
    assert "erreur interne" not in user.text
    assert user.conversation.state == "territoire"
    events = live_engine.store.events(user.conversation.key)
    assert any(e["kind"] == "state_missing" and e["state"] == "avis"
               and e["target"] == "themes" for e in events)


def test_without_a_fallback_a_removed_state_restarts(live_settings, live_app, live_engine):
    user = Chat(live_engine)
    walk_to(user, "avis")
    rewrite(live_settings, without_avis)
    assert live_app.reload("files").ok
    user.send("Oui")
    assert "nous reprenons au début" in user.text
    assert user.conversation.state == "accueil"


def test_renamed_from_and_fallback_are_validated(live_settings, live_app, live_engine):
    path = edit(live_settings, "start: accueil\n", "start: accueil\nfallback: themmes\n")
    edit(live_settings, "  fin:\n    final: true", "  fin:\n    renamed_from: [themes]\n"
                                                 "    final: true")
    result = live_app.reload("files")
    assert not result.ok
    messages = [str(p) for p in result.problems]
    assert any(f"demo.yaml:{line_of(path, 'fallback: themmes')}:" in m
               and "'fallback': unknown target state 'themmes'. Did you mean 'themes'?" in m
               for m in messages)
    assert any("'renamed_from' names 'themes', which is still a state" in m for m in messages)
