"""Chinese text for matching: one normal form and one way to cut it into tokens.

Routing suggestions (cases/suggest.py) and similar-case search (cases/similar.py) both use
these, so a report in 繁體 or typed with full-width characters matches one in 简体:

- `normalise`: full-width forms to half-width (ＡＢＣ１２３ → abc123, the ideographic space
  to a space), traditional to simplified characters (OpenCC "t2s"), lower case.
- `tokens`: rjieba's words plus the character bigrams of each run of letters and digits (those
  with a Chinese character: Latin words and numbers are whole words already), with
  punctuation, symbols, spaces and a few function words left out. Words carry meaning
  (电梯, 漏水); bigrams catch what the segmenter cuts differently from one text to the next.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

import rjieba

# U+FF01..U+FF5E are the full-width forms of U+0021..U+007E; U+3000 is the ideographic space.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# Function words that say nothing about the problem (tokens of one character or two).
STOPWORDS = frozenset(
    {*"的了和与及是在有我你他她它也很都就还又被把给让着啊吧呢吗呀哦请"}
    | {"我们", "你们", "他们", "这个", "那个", "一个", "已经", "非常", "希望", "谢谢"}
)


@functools.cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Half-width, simplified, lower-case: the one form texts are compared in."""
    if not text:
        return ""
    return _converter().convert(text.translate(_HALF_WIDTH)).lower()


def _is_word_char(char: str) -> bool:
    """Letters and digits of any script (CJK ideographs are letters: category Lo)."""
    return unicodedata.category(char)[0] in "LN"


def _runs(text: str) -> list[str]:
    """The maximal runs of letters and digits, split at punctuation, symbols and spaces."""
    runs: list[str] = []
    current: list[str] = []
    for char in text:
        if _is_word_char(char):
            current.append(char)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def tokens(text: str, *, limit: int = 1000) -> list[str]:
    """Words (rjieba) then character bigrams of the normalised text; the first `limit`
    characters only, so a very long description costs no more than a long one."""
    normal = normalise(text[:limit])
    words = [
        word
        for word in rjieba.cut(normal)
        if word not in STOPWORDS and any(_is_word_char(char) for char in word)
    ]
    bigrams = [run[i : i + 2] for run in _runs(normal) for i in range(len(run) - 1)]
    return words + [b for b in bigrams if not b.isascii() and b not in STOPWORDS]


def warm_up() -> None:
    """Load OpenCC's tables and rjieba's dictionary now rather than on the first request."""
    tokens("預熱：电梯")
