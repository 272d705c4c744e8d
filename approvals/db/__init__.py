"""Database-level code: statistics SQL, numbering counters. (The audit trail's append-only
triggers are ``audit/sql.py``.)"""
