from approvals.domain.commitments import commitment_chosen, commitment_replaced_materials

SCHEME = {
    "choice_field": "procedure",
    "choice_value": "pledge",
    "pledge_field": "pledge",
    "replaces": ["test_report"],
    "verification_days": 60,
}


def test_the_pledge_replaces_the_named_certificates_when_chosen_and_signed():
    data = {"procedure": "pledge", "pledge": True}
    assert commitment_chosen(SCHEME, data)
    assert commitment_replaced_materials(SCHEME, data) == {"test_report"}


def test_nothing_is_replaced_without_the_choice_the_signature_or_the_scheme():
    assert not commitment_replaced_materials(SCHEME, {"procedure": "inspection", "pledge": True})
    assert not commitment_replaced_materials(SCHEME, {"procedure": "pledge"})
    assert not commitment_replaced_materials({}, {"procedure": "pledge", "pledge": True})
