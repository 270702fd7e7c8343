"""The Matrix channel's keys, crypto folder, trust policy, settings and log filter (no server)."""

from __future__ import annotations

import logging
import stat
from types import SimpleNamespace

import pytest
from nio.crypto import TrustState

from bot.channels import matrix_log
from bot.channels.matrix_crypto import (
    CryptoFolder,
    CryptoStoreError,
    TrustPolicy,
    derive_keys,
    file_content,
    parse_device_keys,
    store_secret,
)
from bot.channels.matrix_settings import MatrixSettings
from bot.store.pseudonym import SECRET_FILE_NAME

BASE = {"MATRIX_HOMESERVER": "https://matrix.example.org",
        "MATRIX_USER_ID": "@essbot:example.org", "MATRIX_PASSWORD": "a password"}


def test_keys_come_from_the_secret_never_from_nio_default():
    one, same = derive_keys(b"secret-one-0123456789"), derive_keys(b"secret-one-0123456789")
    other = derive_keys(b"secret-two-0123456789")
    assert one == same and one.pickle_key != other.pickle_key
    assert one.pickle_key != "DEFAULT_KEY" and len(one.pickle_key) == 64
    assert one.session_key != other.session_key
    assert one.pickle_key.encode() not in one.session_key  # two keys, not one
    assert "secret" not in repr(one) and one.pickle_key not in repr(one)


def test_the_secret_is_the_store_key_else_essbot_secret_else_the_secret_file(tmp_path):
    assert store_secret("store-key-0123456789", "essbot-secret-0123456789",
                        tmp_path) == b"store-key-0123456789"
    assert store_secret(None, "essbot-secret-0123456789", tmp_path) == (
        b"essbot-secret-0123456789")
    assert not (tmp_path / SECRET_FILE_NAME).exists()
    generated = store_secret(None, None, tmp_path)  # the engine's pseudonym secret file
    assert (tmp_path / SECRET_FILE_NAME).read_text().strip().encode() == generated
    assert store_secret(None, None, tmp_path) == generated


def test_the_folder_is_private_and_the_session_encrypted(tmp_path):
    folder = CryptoFolder(tmp_path, "0123abcd", derive_keys(b"secret-one-0123456789"))
    folder.prepare()
    assert folder.read_session() is None
    folder.write_session("DEVICEID", "syt_the_access_token")
    for path in (folder.root, folder.path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    for path in folder.path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert {p.name for p in folder.path.iterdir()} == {"crypto.db", "session"}
    assert b"syt_the_access_token" not in (folder.path / "session").read_bytes()
    saved = folder.read_session()
    assert (saved.device_id, saved.access_token) == ("DEVICEID", "syt_the_access_token")

    other = CryptoFolder(tmp_path, "0123abcd", derive_keys(b"secret-two-0123456789"))
    with pytest.raises(CryptoStoreError, match="cannot be opened with the current key"):
        other.read_session()
    (folder.path / "session").write_bytes(b"")  # damaged: log in again, do not fail
    assert folder.read_session() is None


def test_trust_policy_tofu_trusts_every_device_verified_only_the_listed_keys():
    listed, other = SimpleNamespace(ed25519="KEY1"), SimpleNamespace(ed25519="KEY2")
    tofu, strict = TrustPolicy(), TrustPolicy("verified", frozenset({"KEY1"}))
    assert tofu.wanted(listed) is tofu.wanted(other) is TrustState.verified
    assert strict.wanted(listed) is TrustState.verified
    assert strict.wanted(other) is TrustState.blacklisted
    assert tofu.share_with_unverified and not strict.share_with_unverified
    unverified, verified = SimpleNamespace(verified=False), SimpleNamespace(verified=True)
    assert tofu.accepts(unverified) and strict.accepts(verified)
    assert not strict.accepts(unverified)


def test_device_keys_can_be_pasted_as_element_shows_them():
    assert parse_device_keys("abcd efgh ijkl, mnop qrst\n, ") == {"abcdefghijkl", "mnopqrst"}
    assert parse_device_keys(None) == frozenset()


def test_a_file_is_sent_with_its_keys_in_an_encrypted_room():
    plain = file_content("f.md", "text/markdown", 3, "mxc://h/x", None)
    assert plain["url"] == "mxc://h/x" and "file" not in plain
    keys = {"v": "v2", "key": {"k": "K"}, "iv": "IV", "hashes": {"sha256": "H"}}
    encrypted = file_content("f.md", "text/markdown", 3, "mxc://h/x", keys)
    assert "url" not in encrypted and encrypted["file"]["url"] == "mxc://h/x"
    assert encrypted["file"]["key"] == {"k": "K"} and encrypted["info"]["size"] == 3


def test_settings_trust_mode_and_store_key(caplog):
    settings = MatrixSettings.from_env(BASE)
    assert settings.trust == TrustPolicy("tofu") and settings.store_key is None
    assert "a password" not in repr(settings)
    strict = MatrixSettings.from_env({**BASE, "MATRIX_TRUST": "Verified",
                                      "MATRIX_VERIFIED_DEVICES": "abcd efgh",
                                      "MATRIX_STORE_KEY": "a-long-store-key-0123",
                                      "ESSBOT_SECRET": "the-essbot-secret-0123"})
    assert strict.trust == TrustPolicy("verified", frozenset({"abcdefgh"}))
    assert strict.store_key == "a-long-store-key-0123"
    assert strict.essbot_secret == "the-essbot-secret-0123"
    assert "a-long-store-key" not in repr(strict)
    assert not settings.reset_cross_signing
    assert MatrixSettings.from_env({**BASE, "MATRIX_RESET_CROSS_SIGNING": "1"}).reset_cross_signing

    caplog.set_level(logging.ERROR)
    assert MatrixSettings.from_env({**BASE, "MATRIX_TRUST": "always"}) is None
    assert "MATRIX_TRUST must be tofu or verified, not 'always'" in caplog.text
    assert MatrixSettings.from_env({**BASE, "MATRIX_STORE_KEY": "short"}) is None
    assert "MATRIX_STORE_KEY must be at least 16 characters" in caplog.text
    assert "short" not in caplog.text


def test_matrix_ids_never_reach_the_logs_even_from_nio(caplog):
    matrix_log.install()
    caplog.set_level(logging.DEBUG)
    nio_log = logging.getLogger("nio.crypto.log")
    nio_log.info("Received new group session key for room %s from %s",
                 "!abc:example.org", "@alice:example.org")
    nio_log.info("Room !I6zInjVoh8MqWeL7Ez3QchV9ZHC417vmNcdYul4ZAvc handling event")
    try:
        raise KeyError("No room found with room id !abc:example.org for @bob:example.org")
    except KeyError:
        logging.getLogger("bot.channels.matrix").exception("matrix: error (room 1234abcd)")
    logging.getLogger("nio.client.async_client").debug(
        "PUT /_matrix/client/v3/rooms/%21abc%3Aexample.org/send/m.room.message/1")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    for secret in ("abc:example.org", "alice", "bob", "I6zInjVoh8", "%21abc%3A"):
        assert secret not in text
    assert "room !… from @…" in caplog.text and "room 1234abcd" in caplog.text
    assert "/rooms/%21…/send" in caplog.text
    assert matrix_log.redact("mail a@b.org, wow!!") == "mail a@b.org, wow!!"


def test_cross_signing_keys_are_signed_as_synapse_checks_and_kept(tmp_path):
    from signedjson.key import decode_verify_key_bytes
    from signedjson.sign import SignatureVerifyException, verify_signed_json
    from unpaddedbase64 import decode_base64

    from bot.channels.matrix_cross_signing import CrossSigningKeys, public_key, sign

    keys = CrossSigningKeys.generate()
    uploads = keys.uploads("@essbot:example.org")
    master = public_key(keys.master)
    verify_key = decode_verify_key_bytes(f"ed25519:{master}", decode_base64(master))
    for name in ("self_signing_key", "user_signing_key"):
        verify_signed_json(uploads[name], "@essbot:example.org", verify_key)
    assert uploads["master_key"]["keys"] == {f"ed25519:{master}": master}
    device = {"user_id": "@essbot:example.org", "device_id": "DEV", "keys": {"ed25519:DEV": "x"},
              "algorithms": ["m.megolm.v1.aes-sha2"], "signatures": {"@essbot:example.org": {
                  "ed25519:DEV": "by-the-device"}}}
    signed = sign(device, "@essbot:example.org", keys.self_signing)
    ssk = public_key(keys.self_signing)
    assert signed["signatures"]["@essbot:example.org"]["ed25519:DEV"] == "by-the-device"
    verify_signed_json(signed, "@essbot:example.org",
                       decode_verify_key_bytes(f"ed25519:{ssk}", decode_base64(ssk)))
    with pytest.raises(SignatureVerifyException):
        verify_signed_json({**signed, "device_id": "OTHER"}, "@essbot:example.org",
                           decode_verify_key_bytes(f"ed25519:{ssk}", decode_base64(ssk)))
    again = CrossSigningKeys.loads(keys.dumps())
    assert [public_key(k) for k in (again.master, again.self_signing, again.user_signing)] == [
        public_key(k) for k in (keys.master, keys.self_signing, keys.user_signing)]
