"""Which cluster each unit belongs to, kept from the stored pairs: new "same" pairs join
clusters (join_new, on import), a lead's decision or a segmentation fix recomputes the
clusters around its units (recluster), and cluster ids stay stable. The rule of what may join
is pure, in clustering.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import and_, delete, or_, select, update

from annotator.claims import matching, queries
from annotator.claims.clustering import Edge, clusters, join, keep_ids
from annotator.claims.queries import chunks
from annotator.extensions import db
from annotator.models.articles import Unit
from annotator.models.claims import ClaimCluster, ClaimMember, ClaimPair
from annotator.timeutil import utcnow
from annotator.vocabulary import CLAIM_DECISIONS, CLAIM_DIFFERENCES, CLAIM_MATCHES

SAME, RELATED = CLAIM_MATCHES
CONFIRMED, REJECTED = CLAIM_DECISIONS


def join_new(found: Sequence[tuple[int, int, matching.Verdict]], fresh: set[int]) -> int:
    """Join units to clusters by new pairs (found on import), without recomputing clusters.

    An import only adds pairs, so clusters only grow or merge: the new "same" pairs are
    taken best score first, each joining the clusters (or lone units) of its two units unless
    a rejected pair, or an undecided one that differs in numbers, dates, negation or actors,
    would end up inside one cluster (the rule of clustering.clusters). A merged cluster keeps
    the id of the larger (the lower on a tie). Reads the clusters of the pairs' units and,
    only when two existing clusters (or a cluster and an older lone unit) would merge, the
    rejections between them. fresh: the units indexed just now, whose only pairs are among
    `found`. Returns how many clusters gained units.
    """
    same = sorted(((v.score, a, b) for a, b, v in found if v.kind == SAME),
                  key=lambda e: (-e[0], e[1], e[2]))
    if not same:
        return 0
    hard = [(a, b) for a, b, v in found
            if v.kind == RELATED and _hard(",".join(v.differs))]
    units = {u for _, a, b in same for u in (a, b)} | {u for pair in hard for u in pair}
    cluster_of = queries.cluster_ids_of(sorted(units))
    sizes = queries.cluster_sizes(set(cluster_of.values()))

    def node(unit: int) -> tuple[str, int]:
        cid = cluster_of.get(unit)
        return ("c", cid) if cid is not None else ("u", unit)

    def older(group: set[tuple[str, int]]) -> bool:
        """Whether a group holds an existing cluster or a unit indexed before this import."""
        return any(kind == "c" or ident not in fresh for kind, ident in group)

    def allowed(ma: set[tuple[str, int]], mb: set[tuple[str, int]]) -> bool:
        return not (older(ma) and older(mb) and _rejected_between(ma, mb))

    groups = join(((node(a), node(b)) for _, a, b in same),
                  [(node(a), node(b)) for a, b in hard], allowed)
    now = utcnow()
    for group in groups:
        held = sorted((ident for kind, ident in group if kind == "c"),
                      key=lambda c: (-sizes.get(c, 0), c))
        lone = sorted(ident for kind, ident in group if kind == "u")
        if held:
            keep, gone = held[0], held[1:]
            if gone:
                db.session.execute(update(ClaimMember).where(ClaimMember.cluster_id.in_(gone))
                                   .values(cluster_id=keep))
                db.session.execute(delete(ClaimCluster).where(ClaimCluster.id.in_(gone)))
            db.session.execute(update(ClaimCluster).where(ClaimCluster.id == keep)
                               .values(updated_at=now))
        else:
            keep = db.session.execute(ClaimCluster.__table__.insert().values(
                created_at=now, updated_at=now)).inserted_primary_key[0]
        if lone:
            db.session.execute(ClaimMember.__table__.insert(),
                               [{"unit_id": u, "cluster_id": keep} for u in lone])
    return len(groups)


def _rejected_between(left: set[tuple[str, int]], right: set[tuple[str, int]]) -> bool:
    """Whether a rejected (or hard, undecided) pair joins a unit of `left` to one of `right`
    (each a set of ("c", cluster id) and ("u", unit id))."""
    def units_of(group: set[tuple[str, int]]):
        clusters_ = [ident for kind, ident in group if kind == "c"]
        lone = [ident for kind, ident in group if kind == "u"]
        parts = []
        if clusters_:
            parts.append(select(ClaimMember.unit_id).where(ClaimMember.cluster_id.in_(clusters_)))
        if lone:
            parts.append(select(Unit.id).where(Unit.id.in_(lone)))
        return parts[0] if len(parts) == 1 else parts[0].union_all(*parts[1:])

    left_units, right_units = units_of(left), units_of(right)
    hard = or_(ClaimPair.decision == REJECTED,
               and_(ClaimPair.decision.is_(None),
                    or_(*[ClaimPair.differs.contains(d) for d in sorted(_HARD)])))
    query = select(ClaimPair.id).where(hard).where(or_(
        and_(ClaimPair.unit_a_id.in_(left_units), ClaimPair.unit_b_id.in_(right_units)),
        and_(ClaimPair.unit_a_id.in_(right_units), ClaimPair.unit_b_id.in_(left_units)),
    )).limit(1)
    return db.session.scalar(query) is not None


def _joining_edges(unit_ids: Iterable[int]) -> tuple[list[Edge], list[tuple[int, int]]]:
    ids = list(unit_ids)
    edges: dict[int, Edge] = {}
    rejected: dict[int, tuple[int, int]] = {}
    for chunk in chunks(ids):
        for pid, a, b, score, kind, decision, differs in db.session.execute(
                select(ClaimPair.id, ClaimPair.unit_a_id, ClaimPair.unit_b_id, ClaimPair.score,
                       ClaimPair.kind, ClaimPair.decision, ClaimPair.differs)
                .where(or_(ClaimPair.unit_a_id.in_(chunk), ClaimPair.unit_b_id.in_(chunk)))):
            if decision == REJECTED or (decision is None and _hard(differs)):
                rejected[pid] = (a, b)
            elif decision == CONFIRMED or kind == SAME:
                edges[pid] = Edge(a, b, score, decision == CONFIRMED)
    return list(edges.values()), list(rejected.values())


def _hard(differs: str) -> bool:
    """Whether a pair differs in what a claim states (numbers, dates, negation, actors): such
    a pair keeps its units apart unless a lead confirms it, like a rejection."""
    return any(d in _HARD for d in differs.split(","))


_HARD = frozenset(CLAIM_DIFFERENCES) - {matching.WORDING}


def _closure(unit_ids: Iterable[int]) -> set[int]:
    """Return the units reachable from these through joining pairs or shared clusters."""
    seen: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        seen |= frontier
        ids = sorted(frontier)
        reached: set[int] = set()
        edges, _ = _joining_edges(ids)
        for edge in edges:
            reached.update((edge.a, edge.b))
        for chunk in chunks(ids):
            cluster_ids = select(ClaimMember.cluster_id).where(ClaimMember.unit_id.in_(chunk))
            reached.update(db.session.scalars(
                select(ClaimMember.unit_id).where(ClaimMember.cluster_id.in_(cluster_ids))))
        frontier = reached - seen
    return seen


def recluster(unit_ids: Iterable[int], deep: bool = True) -> int:
    """Recompute the clusters around these units (in the caller's transaction).

    deep: everything reachable through joining pairs (after a lead's decision, which can
    split a cluster); otherwise the units and the members of their clusters (after an import,
    which only adds pairs). Returns how many clusters those units now form. Cluster ids are
    kept: each new cluster takes the id most of its units had; clusters left with fewer than
    two units go.
    """
    seeds = set(unit_ids)
    old: dict[int, int] = {}
    if deep:
        units = _closure(seeds)
        for chunk in chunks(sorted(units)):
            old.update(db.session.execute(select(ClaimMember.unit_id, ClaimMember.cluster_id)
                                          .where(ClaimMember.unit_id.in_(chunk))).all())
    else:
        units = set(seeds)
        for chunk in chunks(sorted(seeds)):
            held = select(ClaimMember.cluster_id).where(ClaimMember.unit_id.in_(chunk))
            old.update(db.session.execute(select(ClaimMember.unit_id, ClaimMember.cluster_id)
                                          .where(ClaimMember.cluster_id.in_(held))).all())
        units |= set(old)
    if not units:
        return 0
    edges, rejected = _joining_edges(sorted(units))
    # Pairs reaching outside these units stay out: their units' clusters are not recomputed.
    edges = [e for e in edges if e.a in units and e.b in units]
    groups = clusters(edges, rejected)
    write_clusters(keep_ids(groups, old), old)
    return len(groups)


def write_clusters(assigned: list[tuple[set[int], int | None]], old: dict[int, int]) -> None:
    now = utcnow()
    new_of: dict[int, int] = {}
    for group, cluster_id in assigned:
        if cluster_id is None:
            cluster_id = db.session.execute(ClaimCluster.__table__.insert().values(
                created_at=now, updated_at=now)).inserted_primary_key[0]
        for unit in group:
            new_of[unit] = cluster_id
    gone = [u for u in old if u not in new_of]
    moved = [(u, c) for u, c in new_of.items() if old.get(u) != c]
    for chunk in chunks(gone + [u for u, _ in moved]):
        db.session.execute(delete(ClaimMember).where(ClaimMember.unit_id.in_(chunk)))
    for chunk in chunks(moved, 5000):
        db.session.execute(ClaimMember.__table__.insert(),
                           [{"unit_id": u, "cluster_id": c} for u, c in chunk])
    changed = {c for _, c in moved} | {old[u] for u in gone}
    kept = set(new_of.values())
    empty = sorted(c for c in set(old.values()) if c not in kept)
    for chunk in chunks(empty):
        db.session.execute(delete(ClaimCluster).where(ClaimCluster.id.in_(chunk)))
    touched = sorted(changed & kept)
    for chunk in chunks(touched):
        db.session.execute(update(ClaimCluster).where(ClaimCluster.id.in_(chunk))
                           .values(updated_at=now))


def all_edges() -> tuple[list[Edge], list[tuple[int, int]]]:
    edges, rejected = [], []
    for a, b, score, kind, decision, differs in db.session.execute(
            select(ClaimPair.unit_a_id, ClaimPair.unit_b_id, ClaimPair.score, ClaimPair.kind,
                   ClaimPair.decision, ClaimPair.differs)):
        if decision == REJECTED or (decision is None and _hard(differs)):
            rejected.append((a, b))
        elif decision == CONFIRMED or kind == SAME:
            edges.append(Edge(a, b, score, decision == CONFIRMED))
    return edges, rejected
