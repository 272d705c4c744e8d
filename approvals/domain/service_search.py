"""Finding a service by the words people type (issue 18): Chinese words, pinyin and its initials,
English, with misspellings tolerated. Pure: no ORM.

Two halves, so that no request segments a guide:

- ``search_document(...)`` runs when a version is published. It segments the Chinese texts
  (jieba), adds each word's pinyin and the initials of whole names and keywords (pypinyin), and
  the English words, each entry weighted by where it comes from. The result is stored (JSON).
- ``SearchIndex`` is built from the stored documents (once per process, rebuilt when the catalogue
  changes) and answers a query in memory: it splits the query by the index's own vocabulary
  (so the web process never loads jieba's dictionary), matches exact words, prefixes ("spjy" of
  "spjyxk", "foo" of "food") and, for words of four letters or more, words within a small edit
  distance, a swap of two letters counting as one edit ("fodo", "resturant", "shpin"); a
  Chinese query that matches nothing is tried again as pinyin (a homophone typed by mistake).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import process
from rapidfuzz.distance import OSA

# Where a word comes from decides its weight: a name says what the service is, a keyword or
# synonym what people call it, the item code is what staff type.
NAME, KEYWORD, CODE = 3.0, 2.0, 3.0
# How a query word met an indexed word.
EXACT, PREFIX, FUZZY = 1.0, 0.7, 0.45
# A query that is one whole indexed phrase ("开饭店" as a keyword) counts this much more.
PHRASE_BONUS = 2.0

ENGLISH_STOP_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "before", "by", "for", "from", "in", "into", "is", "it"}
    | {"of", "on", "or", "the", "to", "with"}
)
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_KEYWORD_SEPARATORS = re.compile(r"[,，、;；/|\n\r\t]+")
_LONGEST_CHINESE_WORD = 12


def normalise(text: str) -> str:
    """Full-width letters and digits folded (NFKC), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def is_chinese(text: str) -> bool:
    return bool(re.fullmatch(rf"[{_CJK}]+", text))


def keywords(text: str) -> list[str]:
    """The keywords of a keyword field: separated by commas (either width), 、, semicolons,
    slashes or new lines; spaces inside an English keyword are kept."""
    return [word.strip() for word in _KEYWORD_SEPARATORS.split(text or "") if word.strip()]


@lru_cache(maxsize=1)
def _jieba():
    # Imported and initialised on first use only: publishing needs it, searching does not.
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text))


def initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))


def _chinese_entries(text: str, weight: float) -> list[list]:
    entries = []
    for run in re.findall(rf"[{_CJK}]+", text):
        entries.append([run, weight, run])
        entries.append([pinyin(run), weight, run])
        if len(run) > 1:
            entries.append([initials(run), weight, run])
        for word in _jieba().lcut_for_search(run):
            if len(word) > 1 and word != run:
                entries.append([word, weight * 0.8, word])
                entries.append([pinyin(word), weight * 0.8, word])
    return entries


def _english_entries(text: str, weight: float) -> list[list]:
    text = normalise(text)
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w not in ENGLISH_STOP_WORDS]
    entries = [[word, weight * 0.8, word] for word in words]
    if len(words) > 1:
        entries.append([" ".join(words), weight, text.strip()])
    return entries


def search_document(
    *, code: str, name_zh: str, name_en: str, keywords_zh: str, keywords_en: str
) -> list[list]:
    """The entries [indexed word, weight, word shown to the reader] of one service version,
    strongest entry kept per indexed word."""
    entries: list[list] = []
    entries += _chinese_entries(normalise(name_zh), NAME)
    for keyword in keywords(keywords_zh):
        entries += _chinese_entries(normalise(keyword), KEYWORD)
        entries += _english_entries(keyword, KEYWORD)  # a keyword such as "ICP" or "KTV"
    entries += _english_entries(name_en, NAME)
    for keyword in keywords(keywords_en):
        entries += _english_entries(keyword, KEYWORD)
    normalised_code = normalise(code)
    entries.append([normalised_code, CODE, code])
    entries += [[part, CODE * 0.5, code] for part in re.findall(r"[a-z0-9]+", normalised_code)]
    strongest: dict[str, list] = {}
    for term, weight, shown in entries:
        weight = round(weight, 2)
        if term and (term not in strongest or strongest[term][1] < weight):
            strongest[term] = [term, weight, shown]
    return sorted(strongest.values())


@dataclass
class Hit:
    """One service version that matched, its score and the words that made it match."""

    version_id: int
    score: float = 0.0
    matched: list[str] = field(default_factory=list)

    def add(self, score: float, shown: str) -> None:
        self.score += score
        if shown not in self.matched:
            self.matched.append(shown)


def fuzzy_distance(word: str) -> int:
    """Edits tolerated in a query word: none below four letters, one up to six, then two."""
    if len(word) < 4:
        return 0
    return 1 if len(word) <= 6 else 2


class SearchIndex:
    """An in-memory index of the published catalogue's search documents."""

    def __init__(self, documents: dict[int, list[list]]):
        self.postings: dict[str, list[tuple[int, float, str]]] = defaultdict(list)
        for version_id, entries in documents.items():
            for term, weight, shown in entries:
                self.postings[term].append((version_id, weight, shown))
        self.chinese_terms = [term for term in self.postings if is_chinese(term)]
        self.latin_terms = sorted(term for term in self.postings if not is_chinese(term))
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for term in self.latin_terms:
            self._by_length[len(term)].append(term)
        self._starts_by_length: dict[int, dict[str, list[str]]] = {}
        self.size = len(documents)

    def __len__(self) -> int:
        return self.size

    def _split_chinese(self, run: str) -> list[str]:
        """The run cut into the longest words the index knows; a character no word starts
        with is dropped (a particle such as 我 or 的 carries no meaning here)."""
        words, start = [], 0
        while start < len(run):
            for end in range(min(len(run), start + _LONGEST_CHINESE_WORD), start, -1):
                if run[start:end] in self.postings and end - start > 1:
                    words.append(run[start:end])
                    start = end
                    break
            else:
                start += 1
        return words

    def _match_chinese(self, word: str) -> list[tuple[str, float]]:
        """Indexed words equal to or containing ``word`` (食品 finds 食品经营许可)."""
        if len(word) < 2:
            return [(word, EXACT)] if word in self.postings else []
        return [
            (term, EXACT if term == word else PREFIX) for term in self.chinese_terms if word in term
        ]

    def _match_latin(self, word: str) -> list[tuple[str, float]]:
        matches = {word: EXACT} if word in self.postings else {}
        if len(word) >= 2:
            for term in self.latin_terms[self._first_at_or_after(word) :]:
                if not term.startswith(word):
                    break
                matches.setdefault(term, PREFIX)
        distance = fuzzy_distance(word)
        if distance and not matches:
            # Whole words of about the same length ("resturant" for "restaurant"), then the
            # misspelt start of a longer word ("spjx" for "spjyxk", "restaur" for "restaurant").
            lengths = range(len(word) - distance, len(word) + distance + 1)
            candidates = [term for n in lengths for term in self._by_length.get(n, ())]
            for term in self._close(word, candidates, distance):
                matches.setdefault(term, FUZZY)
            starts = self._starts(len(word))
            for start in self._close(word, list(starts), distance):
                for term in starts[start]:
                    matches.setdefault(term, FUZZY * 0.8)
        return list(matches.items())

    @staticmethod
    def _close(word: str, candidates: list[str], distance: int) -> list[str]:
        found = process.extract(
            word, candidates, scorer=OSA.distance, score_cutoff=distance, limit=None
        )
        return [candidate for candidate, _distance, _position in found]

    def _starts(self, length: int) -> dict[str, list[str]]:
        """The distinct starts of ``length`` letters of the longer indexed words, each with its
        words (computed once per length and index)."""
        if length not in self._starts_by_length:
            starts: dict[str, list[str]] = defaultdict(list)
            for term in self.latin_terms:
                if len(term) > length:
                    starts[term[:length]].append(term)
            self._starts_by_length[length] = dict(starts)
        return self._starts_by_length[length]

    def _first_at_or_after(self, word: str) -> int:
        return bisect.bisect_left(self.latin_terms, word)

    def _query_words(self, query: str) -> list[tuple[str, bool]]:
        """(word, is Chinese) pairs of the query, Chinese runs cut by the index's vocabulary."""
        words = []
        for piece in _PIECES.findall(normalise(query)):
            if is_chinese(piece):
                if piece in self.postings:
                    words.append((piece, True))
                    continue
                known = self._split_chinese(piece)
                words += [(word, True) for word in known] or [(piece, True)]
            else:
                words.append((piece, False))
        return words

    def search(self, query: str, *, limit: int = 50) -> list[Hit]:
        """The versions matching ``query``, best first; each query word adds the weight of the
        best indexed word it met in that version."""
        hits: dict[int, Hit] = {}
        phrase = normalise(query).strip()
        for word, chinese in self._query_words(query):
            matches = self._match_chinese(word) if chinese else self._match_latin(word)
            if chinese and not matches and len(word) > 1:
                matches = self._match_latin(pinyin(word))  # a homophone typed by mistake
            best: dict[int, tuple[float, str]] = {}
            for term, quality in matches:
                for version_id, weight, shown in self.postings[term]:
                    score = weight * quality * (PHRASE_BONUS if term == phrase else 1.0)
                    if version_id not in best or best[version_id][0] < score:
                        best[version_id] = (score, shown)
            for version_id, (score, shown) in best.items():
                hits.setdefault(version_id, Hit(version_id)).add(score, shown)
        ranked = sorted(hits.values(), key=lambda hit: (-hit.score, hit.version_id))
        return ranked[:limit]
