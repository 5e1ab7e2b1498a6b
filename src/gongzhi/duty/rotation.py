"""Fair rotation, as a pure function: which people staff which shifts of a period.

Each slot goes to the person with the fewest shifts so far (earlier periods included), ties to
whoever served least recently, then to the order of the roster. Counting earlier periods is what
makes the next month continue fairly from this one: if the counts differed by at most one before
(as a generated period leaves them), they still do after, and within the period itself each
person's count differs from another's by at most one. If hand edits left them further apart, the
gap never widens and closes as fast as the slots allow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass
class Person:
    id: int
    count: int = 0  # shifts served before the period
    last: dt.datetime = NEVER  # start of the last shift served
    order: int = 0  # position in the roster


def plan(slots: Sequence[tuple[dt.datetime, int]], people: Sequence[Person]) -> list[list[int]]:
    """For each shift (its start, people needed), the ids of the people who staff it.

    A person staffs a shift at most once; with fewer people than slots the shift keeps a gap.
    """
    if not people:
        return [[] for _ in slots]
    state = {p.id: [p.count, p.last, p.order] for p in people}
    result: list[list[int]] = []
    for starts_at, needed in slots:
        ranked = sorted(state, key=lambda pid: (state[pid][0], state[pid][1], state[pid][2]))
        chosen = ranked[: max(needed, 0)]
        for pid in chosen:
            state[pid][0] += 1  # type: ignore[operator]
            state[pid][1] = starts_at
        result.append(chosen)
    return result
