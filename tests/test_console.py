"""The console channel and the `essbot chat` command, end to end."""

from __future__ import annotations

import io
from pathlib import Path

from bot.channels.console import ConsoleChannel
from tests.conftest import run_essbot

PARCOURS = "\n".join([
    "/start", "1", "Pont-Aven", "Oui", "Oui, c'est juste", "Continuer",
    "Alimentation", "Continuer", "2", "Contacts", "1", ""])


def test_scripted_chat_walks_the_whole_parcours(tmp_path: Path):
    result = run_essbot(["chat", "--db", str(tmp_path / "c.db")], PARCOURS)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Bonjour !")
    assert "  1. Commencer\n  2. Comment se déroule le parcours ?" in out
    assert "J'ai trouvé : Pont-Aven (29, Finistère)" in out
    assert "le conseil départemental du Finistère et le conseil régional de Bretagne" in out
    assert "votre territoire présente ces caractéristiques : Rural, Littoral." in out
    assert ("Commune — Pont-Aven (29, Finistère), territoire : Rural, Littoral, "
            "thèmes : Alimentation") in out
    cards = out[out.index("Voici mes recommandations"):out.index("Contacts utiles pour")]
    assert "1. " in cards and "Parce que" in cards and "➜ " in cards
    assert "https://" not in cards, "no raw address in the cards"
    assert "  8. Ma feuille de route\n  9. Voir l'étape 3 : inscrire dans la durée" in cards
    assert "CRESS Bretagne" in out  # « Contacts », then the details of the first one
    details = out[out.rindex("CRESS BRETAGNE"):]
    assert "Sources (vérifiées le" in details and " <https://" in details
    assert (tmp_path / "c.db").exists()


def test_scripted_chat_in_english(tmp_path: Path):
    result = run_essbot(["chat", "--lang", "en", "--db", str(tmp_path / "c.db")],
                        "/start\n/help\n")
    assert result.returncode == 0, result.stderr
    assert "Hello!" in result.stdout
    assert "/forget — erase everything stored about you" in result.stdout


def test_binary_input_does_not_crash_the_chat(tmp_path: Path):
    import subprocess
    import sys

    data = b"/start\n\xff\xfe\x00\x01garbage\n1\n1\n\xff\xfe\x00\x01garbage\n"
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--db",
                             str(tmp_path / "c.db")], input=data, capture_output=True,
                            env={"ESSBOT_SECRET": "x" * 20, "PATH": "/usr/bin:/bin"},
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Je n'ai pas compris votre réponse" in result.stdout.decode()
    assert "Pour quel type de collectivité" in result.stdout.decode()  # after « Passer »


def test_interactive_mode_starts_by_itself_and_numbers_pick_the_shown_list(engine):
    stdin, stdout = io.StringIO("2\n\n1\n"), io.StringIO()
    ConsoleChannel(engine, stdin, stdout, interactive=True).run()
    out = stdout.getvalue()
    assert out.startswith("essbot — /aide pour l'aide")
    assert "Bonjour !" in out
    assert "Le parcours suit les trois étapes" in out  # "2" picked the second choice
    assert "Quel est votre territoire" in out  # then "1": Commencer
    assert out.rstrip().endswith("À bientôt !")


def test_a_broken_flow_stops_the_chat_with_located_errors(tmp_path: Path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "parcours.yaml").write_text("id: parcours\nstart: nulle_part\n")
    result = run_essbot(["chat"], "/start\n", {"ESSBOT_FLOWS_DIR": str(flows),
                                               "ESSBOT_DB": str(tmp_path / "c.db")})
    assert result.returncode == 1
    assert "parcours.yaml:1:1: error: a flow needs 'title: {fr: ..., en: ...}'" in result.stderr
    assert "The bot cannot start" in result.stderr


def test_interactive_mode_wraps_long_lines_at_word_boundaries(engine, monkeypatch):
    monkeypatch.setattr("shutil.get_terminal_size", lambda: __import__("os").terminal_size(
        (60, 24)))
    stdin, stdout = io.StringIO("2\n"), io.StringIO()
    ConsoleChannel(engine, stdin, stdout, interactive=True).run()
    out = stdout.getvalue()
    assert max(len(line) for line in out.splitlines()) <= 59
    sentence = "Le parcours suit les trois étapes proposées par l'ANCT pour intégrer"
    assert " ".join(out.split()).count(sentence) == 1, "no word is cut in two"


def test_a_document_is_saved_and_its_path_shown(engine, tmp_path: Path):
    from bot.engine import Document, Outgoing

    stdout = io.StringIO()
    channel = ConsoleChannel(engine, io.StringIO(), stdout, interactive=False,
                             documents_dir=tmp_path / "docs")
    channel.show(Outgoing("Votre feuille de route", document=Document(
        "../../feuille.md", "text/markdown", b"# Feuille\n")))
    saved = tmp_path / "docs" / "feuille.md"  # the name cannot escape the folder
    assert saved.read_text() == "# Feuille\n"
    assert f"[{saved}]" in stdout.getvalue()


def test_creuse_secretary_typing_short_with_a_question_and_a_typo(tmp_path: Path):
    """The review's first script: a question mid-flow, a typo, the feuille de route."""
    script = ("/start\ncommencer\nbourganeuf\noui\nc koi un PTCE\noui\ncontinuer\n"
              "alimentaton\ncontinuer\n1\n/feuille\n")
    result = run_essbot(["chat", "--db", str(tmp_path / "c.db")], script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Bourganeuf (23, Creuse)" in out and "Nouvelle-Aquitaine" in out
    answer = out.index("Réponse : Regroupement")
    # after the answer, the pending question again, then the flow goes on from there
    assert out.index("votre territoire présente ces caractéristiques", answer) > answer
    assert "Thèmes retenus : Alimentation" in out
    assert "Voici mes recommandations pour votre profil" in out
    assert "feuille-de-route-ess-bourganeuf-23-creuse" in out


def test_only_the_question_s_list_is_numbered_after_an_answer_mid_question(tmp_path: Path):
    """The terminal, like Matrix, numbers only the last list of a turn: an answer given in the
    middle of a question showed its « 1. Détails : … » just above the question's « 1. Oui »,
    and a « 1 » typed for the details answered the question. The details are typed instead."""
    script = ("/start\ncommencer\nbourganeuf\noui\nc koi une scic\ndétails 1\n")
    result = run_essbot(["chat", "--db", str(tmp_path / "c.db")], script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    answer = out.index("tapez « détails »")
    assert "Détails : " not in out
    details = out.index("SCIC – société coopérative d'intérêt collectif\n", answer)
    assert "Base légale : Loi n° 47-1775" in out[details:]
