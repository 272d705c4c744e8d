"""API views: parse input, call one service or selector, serialize. No rule lives here."""
