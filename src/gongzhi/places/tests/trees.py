"""A quick check of the whole tree in one query (treebeard's find_problems takes one per node)."""

from __future__ import annotations

from collections import Counter

from gongzhi.places.models import Place


def tree_problems() -> list[str]:
    """Every place whose path, depth, numchild or parent link disagrees with the others."""
    rows = list(
        Place.objects.order_by().values_list("pk", "path", "depth", "numchild", "parent_id")
    )
    pk_by_path = {path: pk for pk, path, *_ in rows}
    children = Counter(parent_id for *_, parent_id in rows if parent_id is not None)
    problems = []
    step = Place.steplen
    for pk, path, depth, numchild, parent_id in rows:
        if not path or len(path) % step or any(c not in Place.alphabet for c in path):
            problems.append(f"{path}: bad path")
        if depth != len(path) // step:
            problems.append(f"{path}: depth {depth}")
        if numchild != children[pk]:
            problems.append(f"{path}: numchild {numchild}, has {children[pk]}")
        if parent_id != pk_by_path.get(path[:-step]):
            problems.append(f"{path}: parent {parent_id}")
    return problems
