"""The query code is stored as an HMAC keyed by the server's secret; codes stored before as
PBKDF2 password hashes still verify."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from approvals.security.query_codes import hash_query_code, new_query_code, query_code_matches

PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def test_a_stored_code_verifies_and_a_wrong_one_does_not():
    stored = hash_query_code("381604")

    assert stored.startswith("hmac_sha256$")
    assert "381604" not in stored
    assert query_code_matches("381604", stored)
    assert query_code_matches(" 381604 ", stored)
    assert not query_code_matches("381605", stored)
    assert not query_code_matches("", stored)


def test_equal_codes_do_not_show_as_equal_hashes():
    assert hash_query_code("000123") != hash_query_code("000123")


def test_a_new_code_is_six_digits():
    assert all(len(code) == 6 and code.isdigit() for code in (new_query_code() for _ in range(50)))


def test_without_the_servers_secret_the_hash_does_not_verify(settings):
    stored = hash_query_code("381604")

    settings.SECRET_KEY = "another-secret-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = []

    assert not query_code_matches("381604", stored)


def test_a_code_hashed_before_a_key_rotation_verifies_with_the_old_key_as_fallback(settings):
    old_key = settings.SECRET_KEY
    stored = hash_query_code("381604")

    settings.SECRET_KEY = "the-new-secret-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]

    assert query_code_matches("381604", stored)
    assert not query_code_matches("111111", stored)


def test_an_old_pbkdf2_hash_still_verifies(settings):
    settings.PASSWORD_HASHERS = PBKDF2
    # Stored by the earlier code (make_password); fewer iterations only to keep the test fast.
    stored = PBKDF2PasswordHasher().encode("381604", "saltsaltsalt", iterations=1000)

    assert stored.startswith("pbkdf2_sha256$")
    assert query_code_matches("381604", stored)
    assert not query_code_matches("381605", stored)


@pytest.mark.parametrize("stored", ["", "hmac_sha256$", "hmac_sha256$salt$", "garbage"])
def test_an_empty_or_malformed_hash_matches_nothing(stored):
    assert not query_code_matches("381604", stored)
    assert not query_code_matches("", stored)
