"""Fuzzing (Hypothesis): what the adversarial pass of issue 19 did, kept being done.

- random updates through the engine: typed text (control characters, huge, unicode),
  callback data (well-formed payloads of every kind with wrong parts, and junk),
  commands, any channel and locale: never an internal error, always an answer, every
  button's payload within Telegram's 64 bytes;
- flows and content YAML, mutated: the loaders answer with problems, never crash;
- settings: any value of any variable gives problems or settings, never a crash, and a
  valid result builds the settings;
- redaction: any text gives at most 300 characters, quickly (no runaway pattern).

Example counts are bounded so that the whole file runs in well under a minute.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App, load_all
from bot.config import PROJECT_ROOT, Settings
from bot.engine import Incoming
from bot.engine.flowparse import load_flows
from bot.knowledge import load_knowledge
from bot.qa.redact import MAX_STORED, redact
from bot.settings import FIELDS, validate
from tests.conftest import TEST_SECRET

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    config = replace(Settings.from_env({}), secret=TEST_SECRET,
                     db_path=tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    app = App(config)
    yield app
    app.close()


def known_payloads(app: App) -> list[str]:
    snapshot = app.engine.snapshot
    payloads = ["s:forget:yes", "s:forget:no", "s:lang:fr", "s:lang:en", "s:lang:xx",
                "s:pick:0", "s:pick:99", "s:pick:-1", "q:resume", "q:d:", "bc:", "admin:",
                "kb:", "c:", "c::", "s:", ""]
    for flow in snapshot.flows.values():
        for state in flow.states.values():
            payloads += [f"c:{state.name}:{choice.id}" for choice in state.choices]
    payloads += [f"q:d:{item}" for item in list(app.engine.snapshot.parts["kb"].items)[:20]] \
        if hasattr(app.engine.snapshot.parts.get("kb"), "items") else []
    return payloads


class Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["/start", "/aide", "/retour", "/recommencer", "/langue", "/oublier",
                     "/question", "/question ?", "/stats", "/recharger", "/publier", "/version",
                     "/abonnements", "/", "//", "/start@bot", "oui", "non", "1", "0", "99",
                     "-1", "Commencer", "Morlaix", "Paris", "29019", "a" * 5000, "\x00\x01",
                     "🙂" * 50, "\u202e\u200b", "c'est quoi un PTCE ?"]),
    st.builds(lambda c, a: f"/{c} {a}",
              st.sampled_from(["question", "langue", "publier", "oublier", "stats"]),
              st.text(max_size=40)),
)


def update_strategy(payloads: list[str]):
    payload = st.one_of(
        st.sampled_from(payloads),
        st.builds(lambda p, junk: p + junk, st.sampled_from(payloads), st.text(max_size=20)),
        st.text(max_size=80),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
    )
    user = st.sampled_from(["1", "2", "3", "-100200", "@a:b.org", "x" * 300])
    channel = st.sampled_from(["telegram", "matrix", "console"])
    locale = st.sampled_from([None, "fr", "en", "fr-FR", "de", "", "zz-ZZ-long"])
    return st.one_of(
        st.builds(Incoming.text_message, channel, user, TEXT, locale),
        st.builds(Incoming.choice, channel, user, payload, locale),
    )


def test_the_engine_answers_every_update_without_an_internal_error(app):
    errors = Errors()
    logging.getLogger("bot").addHandler(errors)
    strategy = st.lists(update_strategy(known_payloads(app)), min_size=1, max_size=8)

    @FUZZ
    @given(updates=strategy)
    def run(updates):
        for incoming in updates:
            replies = app.engine.handle(incoming)
            assert replies, incoming
            for reply in replies:
                assert isinstance(reply.text, str)
                for choice in reply.choices:
                    assert len(choice.payload.encode()) <= 64, choice

    try:
        run()
    finally:
        logging.getLogger("bot").removeHandler(errors)
    assert [r.getMessage() for r in errors.records] == []


# -- flows and content ------------------------------------------------------------------------

def mutations(lines: list[str]):
    """A mutated copy of a YAML file's lines: cut, duplicated, replaced or garbled."""
    index = st.integers(0, max(0, len(lines) - 1))
    junk = st.one_of(st.text(max_size=40), st.sampled_from([
        "  - ", ":", "- {", "}", "[", "!!python/object:os.system", "&a *a", "*undefined",
        "key: [1, 2", "\t", "---", "...", "? complex", "id: 3", "next: nowhere", "text: {fr: 1}",
        "choices: yes", "  when: slot ==", "  set: {region: nowhere}", "~", "null", "0x1F"]))

    def cut(start, length):
        return lines[:start] + lines[start + length:]

    def duplicate(start):
        return [*lines[:start + 1], lines[start], *lines[start + 1:]]

    def replace_line(start, text):
        return [*lines[:start], text, *lines[start + 1:]]

    def replace_value(start, text):
        key, sep, _ = lines[start].partition(":")
        return [*lines[:start], f"{key}{sep} {text}" if sep else text, *lines[start + 1:]]

    return st.one_of(
        st.builds(cut, index, st.integers(1, 30)),
        st.builds(duplicate, index),
        st.builds(replace_line, index, junk),
        st.builds(replace_value, index, junk),
        st.builds(lambda a, b: b(a), st.just(None), st.just(lambda _: ["\xff\xfe", "a: b: c"])),
    )


@pytest.fixture(scope="module")
def environment():
    return load_all(Settings.from_env({})).environment


def test_mutated_flows_give_problems_never_a_crash(tmp_path_factory, environment):
    source = PROJECT_ROOT / "flows" / "parcours.yaml"
    lines = source.read_text(encoding="utf-8").splitlines()
    folder = tmp_path_factory.mktemp("flows")

    @FUZZ
    @given(mutated=mutations(lines))
    def run(mutated):
        (folder / "parcours.yaml").write_text("\n".join(mutated), encoding="utf-8")
        flows, problems = load_flows(folder, environment, folder)
        if mutated != lines:
            assert flows or problems
        for problem in problems:
            assert str(problem)

    run()


@pytest.mark.parametrize("name", ["levers.yaml", "funding.yaml", "taxonomy.yaml",
                                  "scoring.yaml", "synonymes.yaml"])
def test_mutated_content_gives_problems_never_a_crash(tmp_path_factory, name):
    content = PROJECT_ROOT / "content"
    folder = tmp_path_factory.mktemp("content")
    for path in content.iterdir():
        if path.name != name:
            (folder / path.name).symlink_to(path)
    lines = (content / name).read_text(encoding="utf-8").splitlines()

    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(mutated=mutations(lines))
    def run(mutated):
        (folder / name).write_text("\n".join(mutated), encoding="utf-8")
        _knowledge, problems = load_knowledge(folder, folder)
        for problem in problems:
            assert str(problem)

    run()
    shutil.rmtree(folder)


# -- settings and redaction -------------------------------------------------------------------

VALUES = st.one_of(
    st.text(max_size=30), st.sampled_from(["inf", "-inf", "nan", "1e400", "-1", "0", "1",
                                          "65536", "8080", "abc", "telegram:1", "matrix:@a:b.c",
                                          "https://example.org", "notaurl", "DEBUG", "fr", " ",
                                          "123456789:" + "A" * 35, "x" * 5000, "\x00"]),
    st.integers(-10**30, 10**30).map(str), st.floats().map(str))


@FUZZ
@given(env=st.dictionaries(st.one_of(st.sampled_from(sorted(FIELDS)),
                                     st.text(max_size=12).map(lambda s: "ESSBOT_" + s)),
                           VALUES, max_size=6))
def test_any_settings_give_problems_or_settings(env):
    validated = validate(env)
    if validated.ok:
        Settings.from_env(env)
    else:
        assert validated.problems and all(str(p) for p in validated.problems)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.one_of(
    st.text(max_size=400),
    st.text(alphabet="0123456789 .-+()/@[]atdopin", max_size=400),
    st.lists(st.sampled_from(["jean", "Dupont", "rue", "12", "06", "@", ".", " ", "point",
                              "arobase", "de", "la", "maire", "cordialement", "-", "bis"]),
             max_size=200).map(" ".join)))
def test_redaction_of_any_text_is_short_and_quick(text):
    started = time.perf_counter()
    stored = redact(text, lambda word: False)
    assert len(stored) <= MAX_STORED
    assert time.perf_counter() - started < 2.0
