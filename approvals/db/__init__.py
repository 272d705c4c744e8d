"""Database-level code: append-only triggers, statistics SQL, numbering counters."""
