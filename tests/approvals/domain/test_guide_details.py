"""The lists a guide carries (channels, FAQ, legal basis links) are checked with every problem
and its path; links go only to http or https addresses."""

import pytest

from approvals.domain.guide_details import guide_list_problems, is_web_address, visits_label_key

LINK = {"title_zh": "食品安全法", "title_en": "Food Safety Law", "url": "https://flk.npc.gov.cn/"}
QUESTION = {"question_zh": "问", "question_en": "Q", "answer_zh": "答", "answer_en": "A"}
CHANNEL = {"kind": "online", "name_zh": "网上", "name_en": "Online", "url": ""}


def test_well_formed_lists_have_no_problems():
    assert guide_list_problems("legal_basis_links", [LINK]) == []
    assert guide_list_problems("faq", [QUESTION, QUESTION]) == []
    assert guide_list_problems("channels", [CHANNEL, {**CHANNEL, "kind": "offline"}]) == []
    assert guide_list_problems("faq", []) == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/law.pdf",
        "//example.org/law",
        "https://",
        "https://exa mple.org/",
        "https://example.org/\nx",
        "",
    ],
)
def test_links_must_be_http_or_https_addresses(url):
    problems = guide_list_problems("legal_basis_links", [{**LINK, "url": url}])

    assert problems and problems[0].startswith("$[0].url:")
    assert not is_web_address(url)


def test_every_problem_is_reported_with_its_path():
    problems = guide_list_problems(
        "faq",
        [QUESTION, {"question_zh": "问", "answer_en": 3, "extra": 1}, "not an object"],
    )

    assert "$[1].extra: is not a known field" in problems
    assert "$[1].question_en: is required" in problems
    assert "$[1].answer_en: must be a non-empty text" in problems
    assert "$[2]: must be an object" in problems


def test_a_channel_is_online_or_offline_and_its_link_is_optional_but_safe():
    assert guide_list_problems("channels", [{**CHANNEL, "kind": "carrier pigeon"}]) == [
        "$[0].kind: must be one of online, offline"
    ]
    assert guide_list_problems("channels", [{**CHANNEL, "url": "javascript:x"}]) == [
        "$[0].url: must be an http or https address"
    ]


def test_a_list_is_required():
    assert guide_list_problems("faq", {"question_zh": "问"}) == ["$: faq must be a list"]


@pytest.mark.parametrize(
    ("visits", "key"), [(None, ""), (0, "zero"), (1, "one"), (2, "many"), (5, "many")]
)
def test_the_usual_name_for_the_number_of_trips(visits, key):
    assert visits_label_key(visits) == key
