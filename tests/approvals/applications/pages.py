"""Reading the pages in tests."""

import re


def body(response) -> str:
    return response.content.decode()


def revision_of(response) -> str:
    return re.search(r'name="revision" value="(\d+)"', body(response)).group(1)


def idempotency_key_of(response) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', body(response)).group(1)


def main_part(response) -> str:
    """The page's <main>, without the header and footer that every page shares."""
    match = re.search(r"<main.*?</main>", body(response), re.S)
    return match.group(0) if match else ""
