"""Broadcasts in chat and on the command line: subscriptions and consent, targeting,
permissions, publication, privacy of the address book."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.broadcast.model import Targeting
from bot.store.crypto import AddressCipher, AddressUnreadable
from tests.broadcast_support import service_of, subscribe
from tests.conftest import Chat, raw_db, run_essbot

RAW_ID = "7700123456789"  # distinctive, so that finding it in the database file means a leak


@pytest.fixture
def settings(settings):
    return replace(settings, publishers=("telegram:500",), admins=("telegram:900",))


@pytest.fixture
def service(engine):
    return service_of(engine)


def publish_in_chat(engine, user_id: str = "500", title: str = "Appel à projets alimentation",
                    regions: tuple[str, ...] = (), themes: tuple[str, ...] = ()) -> Chat:
    chat = Chat(engine, user_id=user_id, channel="telegram")
    chat.send("/start")
    chat.send("/publier")
    chat.send(title)
    chat.send("Les projets alimentaires de territoire peuvent candidater jusqu'au 31 mars.")
    chat.send("https://example.org/aap")
    chat.send("31/03/2099")
    for region in regions:
        chat.send(region)
    chat.press("Valider")
    for theme in themes:
        chat.send(theme)
    chat.press("Valider")
    chat.press("Valider")  # every type of collectivité
    return chat


# -- subscriptions and consent ------------------------------------------------------------

def test_subscribe_is_prefilled_from_the_profile_and_stores_consent(engine, service):
    chat = Chat(engine, user_id=RAW_ID, channel="telegram")
    chat.send("/start")
    conversation = chat.conversation
    conversation.slots.update({"region": "53", "themes": ["alimentation", "mobilite"],
                               "collectivite": "commune"})
    engine.store.save_conversation(conversation)
    chat.send("/abonner")
    assert "Sélection : Bretagne" in chat.text
    assert "✓ Bretagne" in chat.labels
    chat.press("Valider")
    assert "Alimentation, Mobilité" in chat.text
    chat.send("mobilite")  # typed label: unticks it
    assert "Sélection : Alimentation" in chat.text
    chat.press("Valider")
    assert "chiffrée" in chat.text and "Êtes-vous d'accord" in chat.text
    assert service.subscriptions.get(chat.conversation.key) is None  # not before consent
    chat.press("J'accepte")
    subscription = service.subscriptions.get(chat.conversation.key)
    assert subscription.regions == ("53",) and subscription.themes == ("alimentation",)
    assert subscription.collectivite == "commune"
    assert dt.datetime.fromisoformat(subscription.consent_at).date() == dt.date.today()
    assert service.subscriptions.address(chat.conversation.key) == ("telegram", RAW_ID)
    chat.send("/abonnements")
    assert "Bretagne" in chat.text and "Consentement donné le" in chat.text
    assert chat.conversation.state == "accueil"  # back where the user was


def test_cancelling_or_leaving_the_dialog_records_nothing(engine, service):
    chat = Chat(engine, user_id="11", channel="telegram")
    chat.send("/start")
    chat.send("/abonner")
    chat.press("Valider")
    chat.press("Annuler")
    assert "rien n'a été enregistré" in chat.text
    chat.send("/subscribe")
    chat.send("/aide")  # a command ends the dialog
    assert chat.conversation.dialog is None
    assert service.subscriptions.count() == 0
    chat.send("/subscriptions")
    assert "aucune actualité" in chat.text


def test_a_stale_button_of_the_dialog_is_refused(engine):
    chat = Chat(engine, user_id="12", channel="telegram")
    chat.send("/start")
    chat.send("/abonner")
    chat.press("Valider")
    chat.press("s:bc:regions:ok")  # the regions step is over
    assert "plus valable" in chat.text


def test_unsubscribe_erases_subscription_address_and_queued_messages(engine, service):
    chat = subscribe(engine, RAW_ID)
    key = chat.conversation.key
    publish_in_chat(engine).press("Publier")
    chat.send("/desabonner")
    assert "Votre adresse et vos choix sont effacés" in chat.text
    assert service.subscriptions.get(key) is None
    assert service.subscriptions.address(key) is None
    rows = list(raw_db(engine.store).query("SELECT status FROM outbox WHERE recipient = ?", (key,)))
    assert [r["status"] for r in rows] == ["cancelled"]
    chat.send("/unsubscribe")
    assert "rien à arrêter" in chat.text


def test_forget_erases_every_broadcast_row(engine, service):
    chat = subscribe(engine, RAW_ID)
    key = chat.conversation.key
    publish_in_chat(engine).press("Publier")
    chat.send("/oublier")
    chat.press("Oui")
    db = raw_db(engine.store)
    for table, column in (("subscriptions", "key"), ("address_book", "key"),
                          ("outbox", "recipient"), ("conversations", "key")):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?",
                          (key,)).fetchone()[0] == 0, table


def test_the_raw_id_never_reaches_the_database_file(engine, settings):
    subscribe(engine, RAW_ID, regions=("53",), themes=("alimentation",))
    publish_in_chat(engine).press("Publier")
    raw_db(engine.store).execute("PRAGMA wal_checkpoint(FULL)")
    for path in Path(settings.db_path).parent.glob("essbot.db*"):
        data = path.read_bytes()
        assert RAW_ID.encode() not in data, path
        assert RAW_ID.encode("utf-16-le") not in data, path


def test_addresses_are_sealed_and_bound_to_their_pseudonym():
    cipher = AddressCipher(b"0123456789abcdef0123")
    sealed = cipher.seal("key-a", "!room:example.org")
    assert b"room" not in sealed
    assert cipher.open("key-a", sealed) == "!room:example.org"
    with pytest.raises(AddressUnreadable):
        cipher.open("key-b", sealed)  # copied to another row
    with pytest.raises(AddressUnreadable):
        AddressCipher(b"another secret of 20b").open("key-a", sealed)


# -- targeting ----------------------------------------------------------------------------

def test_targeting_rules():
    update = Targeting(regions=("53",), themes=("alimentation",), collectivites=("commune",))
    assert update.matches(["53"], ["alimentation"], "commune")
    assert update.matches([], [], "commune")  # follows everything
    assert not update.matches(["11"], [], "commune")
    assert not update.matches([], ["mobilite"], "commune")
    assert not update.matches([], [], "epci")
    assert not update.matches([], [], None)  # unknown type: only untargeted types
    assert Targeting().matches(["11"], ["mobilite"], None)


def test_publication_reaches_exactly_the_matching_subscribers(engine, service):
    bretagne = subscribe(engine, "1", regions=("53",), themes=("alimentation",))
    everything = subscribe(engine, "2")
    paris = subscribe(engine, "3", regions=("11",))
    mobilite = subscribe(engine, "4", themes=("mobilite",))
    chat = publish_in_chat(engine, regions=("Bretagne",), themes=("Alimentation",))
    assert "Destinataires : 2 abonné(s)." in chat.text
    assert "Régions : Bretagne" in chat.text and "Thèmes : Alimentation" in chat.text
    chat.press("Publier")
    assert "Publié : l'actualité n° 1 part vers 2 abonné(s)" in chat.text
    rows = raw_db(engine.store).execute(
        "SELECT recipient FROM outbox WHERE update_id = 1").fetchall()
    assert {r[0] for r in rows} == {bretagne.conversation.key, everything.conversation.key}
    assert paris.conversation.key not in {r[0] for r in rows}
    assert mobilite.conversation.key not in {r[0] for r in rows}
    update = service.updates.get(1)
    assert update.author == chat.conversation.key and update.origin == "chat"
    assert update.deadline == dt.date(2099, 3, 31) and update.link == "https://example.org/aap"


def test_news_shows_the_latest_updates_matching_the_profile(engine):
    publish_in_chat(engine, title="Mois de l'ESS en Bretagne", regions=("Bretagne",)).press(
        "Publier")
    publish_in_chat(engine, title="Appel en Île-de-France", regions=("Île-de-France",)).press(
        "Publier")
    chat = Chat(engine, user_id="20", channel="telegram")
    chat.send("/start")
    conversation = chat.conversation
    conversation.slots["region"] = "53"
    engine.store.save_conversation(conversation)
    chat.send("/actualites")
    assert "Mois de l'ESS en Bretagne" in chat.text
    assert "Île-de-France" not in chat.text
    assert "/abonner" in chat.text
    chat.send("/news")
    assert "Mois de l'ESS" in chat.text


# -- permissions --------------------------------------------------------------------------

def test_a_non_publisher_is_refused_and_the_attempt_logged_anonymously(engine):
    chat = Chat(engine, user_id="66", channel="telegram")
    chat.send("/start")
    chat.send("/publier")
    assert "Seuls les réseaux de l'ESS habilités peuvent publier" in chat.text
    assert chat.conversation.dialog is None
    refused = [e for e in engine.store.events() if e["kind"] == "publish_refused"]
    assert len(refused) == 1 and refused[0]["conversation"] is None


def test_an_administrator_grants_and_revokes_the_right_to_publish(engine):
    admin = Chat(engine, user_id="900", channel="telegram")
    admin.send("/start")
    candidate = Chat(engine, user_id="321", channel="telegram")
    candidate.send("/start")
    candidate.send("/publieur telegram:321")  # not an administrator: an unknown command
    assert "Je ne connais pas la commande /publieur" in candidate.text
    admin.send("/publieur telegram:321")
    assert "peut désormais publier" in admin.text
    rows = list(raw_db(engine.store).query("SELECT key FROM publishers"))
    assert rows == [{"key": candidate.conversation.key}]  # the pseudonym, not the id
    candidate.send("/publier")
    assert "Titre de l'actualité" in candidate.text
    admin.send("/publieur retirer telegram:321")
    assert "ne peut plus publier" in admin.text
    candidate.send("/publier")
    assert "Seuls les réseaux" in candidate.text


def test_the_publication_dialog_checks_every_answer(engine):
    chat = Chat(engine, user_id="500", channel="telegram")
    chat.send("/start")
    chat.send("/publish")
    chat.send("x")
    assert "de 3 à 120 caractères" in chat.text
    chat.send("1")  # a number is a title here, not the first button
    assert "de 3 à 120" in chat.text
    chat.send("Un titre")
    chat.send("court")
    assert "de 10 à" in chat.text
    chat.send("Un texte assez long pour être publié.")
    chat.send("pas un lien")
    assert "pas un lien valable" in chat.text
    chat.press("Pas de lien")
    chat.send("31/02/2030")
    assert "pas reconnu cette date" in chat.text
    chat.send("01/01/2001")
    assert "déjà passée" in chat.text
    chat.press("Pas de date limite")
    assert "Pour quelles régions" in chat.text
    chat.press("Toutes les régions")
    chat.press("Tous les thèmes")
    chat.press("Toutes les collectivités")
    assert "Aperçu du message" in chat.text and "Destinataires : 0" in chat.text
    chat.press("Annuler")
    assert raw_db(engine.store).execute("SELECT count(*) FROM updates").fetchone()[0] == 0


def test_english_commands_and_texts(engine):
    chat = Chat(engine, user_id="30", channel="telegram", locale="en")
    chat.send("/start")
    chat.send("/subscribe")
    assert "Which regions do you want to follow" in chat.text
    chat.press("Confirm")
    chat.press("Confirm")
    chat.press("I agree")
    assert "Noted: you will receive SSE news" in chat.text


# -- the command line ---------------------------------------------------------------------

UPDATE_FILE = """\
title: "Appel à projets « Alimentation durable »"
text: |
  Les projets alimentaires de territoire peuvent candidater.
link: https://example.org/aap
deadline: 2099-03-31
target:
  regions: ["53"]
  themes: [alimentation]
"""


def test_cli_send_validates_the_file_with_locations(tmp_path: Path, settings):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: X\ntext: |\n  trop court\nlink: ftp://x\ntarget:\n"
                   "  regions: [\"99\"]\n  theme: [alimentation]\n", encoding="utf-8")
    env = {"ESSBOT_DB": str(settings.db_path)}
    result = run_essbot(["broadcast", "send", str(bad)], env=env)
    assert result.returncode == 1
    assert f"{bad}:1:8: error: 'title' must have 3 to 120 characters" in result.stderr
    assert f"{bad}:4:7: error: 'link' must be a web address" in result.stderr
    assert f"{bad}:6:13: error: target regions: unknown value of 'regions' '99'" \
        in result.stderr
    assert f"{bad}:7:3: error: unknown target 'theme'. Did you mean 'themes'?" in result.stderr
    assert "nothing was published" in result.stderr


def test_cli_send_dry_run_then_send_then_status_and_list(tmp_path: Path, engine, settings):
    subscribe(engine, "1", regions=("53",))
    subscribe(engine, "2", regions=("11",))
    engine.store.close()
    good = tmp_path / "aap.yaml"
    good.write_text(UPDATE_FILE, encoding="utf-8")
    env = {"ESSBOT_DB": str(settings.db_path)}
    result = run_essbot(["broadcast", "send", str(good), "--dry-run"], env=env)
    assert result.returncode == 0, result.stderr
    assert "Recipients: 1 (1 on telegram)" in result.stdout
    assert "Date limite : 31 mars 2099" in result.stdout
    assert "Dry run" in result.stdout
    result = run_essbot(["broadcast", "send", str(good)], env=env)
    assert "Published update 1: 1 message(s) queued" in result.stdout, result.stderr
    result = run_essbot(["broadcast", "status", "1", "--json"], env=env)
    status = json.loads(result.stdout)
    assert (status["sent"], status["pending"], status["failed"], status["done"]) == \
        (0, 1, 0, False)
    result = run_essbot(["broadcast", "status", "1", "--no-wait"], env=env)
    assert "sent 0, pending 1, failed 0 of 1 — running." in result.stdout
    result = run_essbot(["broadcast", "list"], env=env)
    assert "Appel à projets" in result.stdout and "sent 0/1" in result.stdout
    result = run_essbot(["broadcast", "status", "7"], env=env)
    assert result.returncode == 1 and "No update 7" in result.stderr
