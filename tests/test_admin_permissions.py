"""Admin commands in chat: only for ESSBOT_ADMINS; anyone else learns nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.admin.access import parse_admins
from bot.app import build_engine
from bot.config import Settings
from tests.conftest import Chat, raw_db


@pytest.fixture
def admin_engine(settings):
    engine = build_engine(replace(settings, admins=("test:admin-1", "matrix:@alice:example.org")))
    yield engine
    engine.store.close()


@pytest.mark.parametrize("command", ["/stats", "/recharger", "/reload", "/version"])
def test_a_non_admin_gets_the_unknown_command_answer(admin_engine, command):
    user = Chat(admin_engine, user_id="12345")
    user.send("/start")
    unknown = user.send("/inconnue")
    answer = user.send(command)
    name = command.lstrip("/")
    assert [r.text.replace(f"/{name}", "/X") for r in answer] == \
           [r.text.replace("/inconnue", "/X") for r in unknown]
    assert [r.choices for r in answer] == [r.choices for r in unknown]
    assert f"Je ne connais pas la commande /{name}" in user.text


def test_the_same_id_on_another_channel_is_not_an_admin(admin_engine):
    impostor = Chat(admin_engine, user_id="admin-1", channel="telegram")
    impostor.send("/version")
    assert "Je ne connais pas la commande /version" in impostor.text


def test_admin_commands_are_not_in_the_help(admin_engine):
    admin = Chat(admin_engine, user_id="admin-1")
    admin.send("/aide")
    assert "/stats" not in admin.text and "/recharger" not in admin.text


def test_an_admin_gets_version_and_stats(admin_engine):
    admin = Chat(admin_engine, user_id="admin-1")
    admin.send("/start")
    admin.send("/version")
    assert "essbot 0." in admin.text
    assert f"parcours ({admin_engine.snapshot.flows['parcours'].version})" in admin.text
    admin.send("/stats")
    assert "Statistiques (groupes de moins de 5 conversations masqués)" in admin.text
    assert "Conversations commencées : < 5" in admin.text
    matrix = Chat(admin_engine, user_id="@alice:example.org", channel="matrix")
    matrix.send("/version")
    assert "essbot 0." in matrix.text


def test_admin_ids_are_never_stored(admin_engine):
    admin = Chat(admin_engine, user_id="admin-1")
    for line in ["/start", "/stats", "/version", "/recharger"]:
        admin.send(line)
    db = raw_db(admin_engine.store)
    for table in db.table_names():
        for row in db[table].rows:
            assert "admin-1" not in str(row), table


def test_parsing_admins():
    assert [str(a) for a in parse_admins(["telegram:12345", " matrix:@alice:example.org ",
                                          "nochannel", ":x"])] == [
        "telegram:12345", "matrix:@alice:example.org"]
    settings = Settings.from_env({"ESSBOT_ADMINS": "telegram:1, matrix:@a:b.org",
                                  "ESSBOT_RETENTION_DAYS": "30"})
    assert settings.admins == ("telegram:1", "matrix:@a:b.org")
    assert settings.retention_days == 30
    with pytest.raises(ValueError, match=r"ESSBOT_RETENTION_DAYS: .un an. is not valid"):
        Settings.from_env({"ESSBOT_RETENTION_DAYS": "un an"})
