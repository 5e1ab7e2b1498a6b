"""Fair rotation: counts differ by at most one, and the next period continues fairly."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.duty.rotation import Person, plan

START = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def _slots(n: int, needed: int, offset: int = 0) -> list[tuple[dt.datetime, int]]:
    return [(START + dt.timedelta(hours=offset + i), needed) for i in range(n)]


def _people(n: int) -> list[Person]:
    return [Person(id=i, order=i) for i in range(n)]


def _counts(staffing: list[list[int]], ids: list[int]) -> Counter[int]:
    counts = Counter({i: 0 for i in ids})
    counts.update(uid for uids in staffing for uid in uids)
    return counts


def _spread(counts: Counter[int]) -> int:
    return max(counts.values()) - min(counts.values())


@settings(max_examples=200, deadline=None)
@given(
    people=st.integers(1, 9),
    first=st.integers(0, 40),
    second=st.integers(0, 40),
    needed=st.integers(1, 3),
)
def test_two_generated_periods_are_each_and_together_fair(people, first, second, needed):
    needed = min(needed, people)
    persons = _people(people)
    ids = [p.id for p in persons]
    one = plan(_slots(first, needed), persons)
    counts_one = _counts(one, ids)
    assert _spread(counts_one) <= 1
    assert all(len(set(uids)) == len(uids) == needed for uids in one)
    # The next period starts from the first period's counts and last shifts.
    last = {uid: START + dt.timedelta(hours=i) for i, uids in enumerate(one) for uid in uids}
    persons_two = [
        Person(id=p.id, order=p.order, count=counts_one[p.id], last=last.get(p.id, p.last))
        for p in persons
    ]
    two = plan(_slots(second, needed, offset=first), persons_two)
    counts_two = _counts(two, ids)
    assert _spread(counts_two) <= 1
    assert _spread(Counter({i: counts_one[i] + counts_two[i] for i in ids})) <= 1


@settings(max_examples=200, deadline=None)
@given(prior=st.lists(st.integers(0, 30), min_size=1, max_size=8), shifts=st.integers(0, 60))
def test_uneven_earlier_counts_never_grow_further_apart(prior, shifts):
    persons = [Person(id=i, order=i, count=c) for i, c in enumerate(prior)]
    staffing = plan(_slots(shifts, 1), persons)
    totals = Counter({i: c for i, c in enumerate(prior)})
    totals.update(uid for uids in staffing for uid in uids)
    before = max(prior) - min(prior)
    assert _spread(totals) <= max(before, 1)
    # The least served are served first.
    if shifts:
        assert prior[staffing[0][0]] == min(prior)


def test_a_shift_needing_more_people_than_the_roster_keeps_a_gap():
    assert plan(_slots(2, 3), _people(2)) == [[0, 1], [0, 1]]
    assert plan(_slots(2, 1), []) == [[], []]


def test_ties_go_to_whoever_served_least_recently_then_to_roster_order():
    early = Person(id=7, order=1, count=1, last=START - dt.timedelta(days=3))
    late = Person(id=8, order=0, count=1, last=START - dt.timedelta(days=1))
    assert plan(_slots(3, 1), [late, early]) == [[7], [8], [7]]
    assert plan(_slots(3, 1), _people(3)) == [[0], [1], [2]]
