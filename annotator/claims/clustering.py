"""Claims from pairs: clusters of units joined by "same" or confirmed pairs, never across a
rejected pair, with cluster ids kept across re-clustering. Pure: plain data in and out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


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
    ordered = sorted(edges, key=lambda e: (not e.confirmed, -e.score, min(e.a, e.b), max(e.a, e.b)))
    return join(((edge.a, edge.b) for edge in ordered), rejected)


def join(pairs: Iterable[tuple[Node, Node]], apart: Iterable[tuple[Node, Node]],
         allowed: Callable[[set[Node], set[Node]], bool] | None = None) -> list[set[Node]]:
    """Join nodes by the pairs, in the order given; return the groups of two nodes or more.

    A pair that would put both nodes of an `apart` pair into one group is left out, and so is
    one whose two groups `allowed(group_a, group_b)` refuses (a check that needs more than
    the pairs, such as a read of the database).
    """
    parent: dict[Node, Node] = {}
    members: dict[Node, set[Node]] = {}
    forbidden: dict[Node, set[Node]] = {}
    for a, b in apart:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)

    def find(x: Node) -> Node:
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members.setdefault(ra, {ra}), members.setdefault(rb, {rb})
        fa, fb = forbidden.get(ra, set()), forbidden.get(rb, set())
        if fa & mb or fb & ma:
            continue
        if allowed is not None and not allowed(ma, mb):
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
