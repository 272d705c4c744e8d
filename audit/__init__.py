"""The audit trail (DESIGN.md §4): append-only, hash-chained events written in the transaction of
the change they record, signed checkpoints of the chain's head, and the admin mixins that audit
every admin change.

Below ``accounts`` and ``approvals``, which both record into it; it imports neither (its models
point at users and departments by name only).

- ``models``: ``AuditEvent``, its ``AuditOutcome``, the chain's head row, ``AuditCheckpoint``
- ``chain``: ``audit_record`` (write) and the walk that verifies the chain
- ``checkpoints``: signed checkpoints and ``verify_audit_trail``, the core of ``verify_audit``
- ``admin``: ``AuditedAdminMixin`` and friends (the supervisors' pages on the trail are
  approvals' admin)
- ``sql``: the append-only triggers, per database vendor
"""
