"""Claims from pairs: clusters of units joined by "same" or confirmed pairs, never across a
rejected pair, with cluster ids kept across re-clustering. Pure: plain data in and out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Edge:
    """A pair that joins two units: confirmed by a lead, or found "same" with this score."""

    a: int
    b: int
    score: float
    confirmed: bool = False


def clusters(edges: Iterable[Edge], rejected: Iterable[tuple[int, int]]) -> list[set[int]]:
    """Return the clusters (two units or more) the edges make, respecting rejections.

    Confirmed edges are joined first, then the others from the highest score down. An edge
    that would put both units of a rejected pair into one cluster is left out, whatever it is:
    a lead's "not the same" is never overridden by a chain of other pairs (a confirmed chain
    that contradicts a rejection keeps the rejection).
    """
    parent: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    forbidden: dict[int, set[int]] = {}
    for a, b in rejected:
        for x, y in ((a, b), (b, a)):
            parent.setdefault(x, x)
            members.setdefault(x, {x})
            forbidden.setdefault(x, set()).add(y)

    def find(x: int) -> int:
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root

    ordered = sorted(edges, key=lambda e: (not e.confirmed, -e.score, min(e.a, e.b), max(e.a, e.b)))
    for edge in ordered:
        ra, rb = find(edge.a), find(edge.b)
        if ra == rb:
            continue
        ma, mb = members.setdefault(ra, {ra}), members.setdefault(rb, {rb})
        fa, fb = forbidden.get(ra, set()), forbidden.get(rb, set())
        if fa & mb or fb & ma:
            continue
        if len(ma) < len(mb):
            ra, rb, ma, mb, fa, fb = rb, ra, mb, ma, fb, fa
        parent[rb] = ra
        ma |= mb
        del members[rb]
        if fb:
            forbidden[ra] = fa | fb
            forbidden.pop(rb, None)
    return [group for group in members.values() if len(group) > 1]


def keep_ids(groups: list[set[int]], old: Mapping[int, int]) -> list[tuple[set[int], int | None]]:
    """Give each new cluster the old cluster id most of its units had, each id once.

    Larger clusters choose first; ties go to the lower (older) id. A cluster whose units had
    no id, or whose ids went to larger clusters, gets None: a new id.
    """
    result: list[tuple[set[int], int | None]] = []
    taken: set[int] = set()
    for group in sorted(groups, key=lambda g: (-len(g), min(g))):
        counts: dict[int, int] = {}
        for unit in group:
            cid = old.get(unit)
            if cid is not None and cid not in taken:
                counts[cid] = counts.get(cid, 0) + 1
        choice = min(counts, key=lambda c: (-counts[c], c)) if counts else None
        if choice is not None:
            taken.add(choice)
        result.append((group, choice))
    return result
