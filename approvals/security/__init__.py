"""Hostile input from outside: uploaded files, the virus scanner, query codes."""
