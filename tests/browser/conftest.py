"""Browser journeys. Their fixtures live in tests/browser_support.py and are registered in
tests/conftest.py."""
