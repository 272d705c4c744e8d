"""The chain walk on PostgreSQL hashes each event as the server spells it (audit/chain.py,
``_rendered_rows``): the spelling must be the hash's own canonical JSON, byte for byte, whatever
the text, the address or the changes; where it ever is not, the event is checked the slow way
before it is called changed, and an edited event is still found."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit import chain
from audit.chain import audit_record, verify_chain
from audit.models import HASHED_FIELDS, AuditEvent, _canonical_json, canonical_payload
from portal import request_context
from tests.approvals import tampering

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the server spells events on PostgreSQL only"
    ),
]

text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
# Not the deprecated IPv4-compatible form (``::1.2.3.4``), which the server spells as written and
# Django as ``::102:304``: such an event takes the slow way, and verifies
# (tests/approvals/test_audit_chain.py, the client IP's cases).
addresses = st.sampled_from(
    [
        "",
        "198.51.100.20",
        "2001:db8::1",
        "2001:0db8:0:0:0:0:0:1",
        "::ffff:102:304",
        "::ffff:1.2.3.4",
    ]
)


def spelled_by_the_server(sequence: int) -> str:
    row = next(chain._rendered_rows(sequence - 1, sequence))
    changes = row[2]
    return (
        row[1]
        + (changes if changes == "{}" else _canonical_json(chain.json.loads(changes)))
        + row[3]
    )


def spelled_here(sequence: int) -> str:
    event = AuditEvent.objects.get(sequence=sequence)
    return _canonical_json(canonical_payload(*(getattr(event, name) for name in HASHED_FIELDS)))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reason=text,
    action=text.map(lambda value: value[:80]),
    object_id=text.map(lambda value: value[:64]),
    key=text,
    value=text | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.none(),
    client_ip=addresses,
)
def test_the_server_spells_each_event_as_its_hash_does(
    reason, action, object_id, key, value, client_ip
):
    token = request_context.activate(request_context.RequestContext(client_ip=client_ip))
    try:
        event = audit_record(
            action=action,
            object_type="test",
            object_id=object_id,
            reason=reason,
            changes={key: [None, value], "ordre": ["é", '\n\t"\\\x01\u2028']},
        )
    finally:
        request_context.deactivate(token)

    assert spelled_by_the_server(event.sequence) == spelled_here(event.sequence)


def test_an_event_the_server_spells_otherwise_is_checked_the_slow_way(monkeypatch):
    for n in range(1, 6):
        audit_record(action="test.step", object_type="test", object_id=str(n), reason=f"step {n}")
    # given a server spelling that no longer matches the hash (a reason spelled in capitals)
    head, tail = chain._rendered_columns()
    monkeypatch.setattr(
        chain,
        "_rendered_columns",
        lambda: (head, tail.replace('to_json("reason")', 'to_json(upper("reason"))')),
    )
    slow = []
    stored_event_hash = chain._stored_event_hash
    monkeypatch.setattr(
        chain,
        "_stored_event_hash",
        lambda sequence: slow.append(sequence) or stored_event_hash(sequence),
    )

    # then every event is checked again, and the intact chain is intact
    assert verify_chain() is None
    assert slow == [1, 2, 3, 4, 5]

    # and an edited event is still found
    tampering.edit(3, "reason", "nothing to see here")
    problem = verify_chain()
    assert problem is not None
    assert problem.sequence == 3
