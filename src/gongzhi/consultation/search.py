"""FAQ search for Chinese, the same on SQLite and PostgreSQL.

Entries keep `search_text`: their title, question and answer in the one normal form of
cases/text.py (simplified characters, half-width, lower case), so 繁體 and 简体 are matched
alike. A query is normalised the same way, split at spaces into terms, and each term cut into
words (rjieba) and character bigrams (cases.text.tokens). An entry matches when every term
matches (one of its words or bigrams, or the whole term, occurs in the entry); matches are
ranked by how many of the query's pieces they contain. Plain substring tests: no index, which
suits a community's FAQ (tens to hundreds of entries), and no database extension.
"""

from __future__ import annotations

from django.db.models import Q

from gongzhi.cases.text import normalise, tokens


def search_text(*parts: str) -> str:
    return normalise("\n".join(parts))


def query_terms(query: str) -> list[list[str]]:
    """For each space-separated term of the query: the pieces, any of which may match it."""
    terms = []
    for term in normalise(query).split():
        pieces = list(dict.fromkeys([term, *tokens(term)]))
        terms.append(pieces)
    return terms


def matching_q(terms: list[list[str]], field: str = "search_text") -> Q:
    q = Q()
    for pieces in terms:
        any_piece = Q()
        for piece in pieces:
            any_piece |= Q(**{f"{field}__contains": piece})
        q &= any_piece
    return q


def score(text: str, terms: list[list[str]]) -> int:
    return sum(len(piece) for pieces in terms for piece in pieces if piece in text)
