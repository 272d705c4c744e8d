"""Pure domain logic: no Django, no ORM, no I/O.

- ``working_days``: the working-day calendar and statutory time limits (Administrative Licensing
  Law Art. 32, 42-45, 82; Civil Code Art. 201).
- ``workflow``: workflow definitions and the engine that decides what happens next (并联审批).

Nothing in this package may import Django, so that it can be tested exhaustively without a
database and reused by the services, the sweep and the admin alike.
"""
