"""Turn reliability data (a ``unit,coder,label`` CSV or records) into one JSON-ready report.

Pure: no Flask, no database. The CLI prints what :func:`score_records` returns; the web report
can call :func:`score_data` on a mapping ``unit -> {coder: label}``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, NamedTuple

from annotator.stats.batch import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    bootstrap_alpha_counts,
)
from annotator.stats.coefficients import ReliabilityData, encode, pair_tables
from annotator.stats.sufficient import (
    AgreementStats,
    Stat,
    ac1_from_stats,
    alpha_from_stats,
    check_level,
    fleiss_from_stats,
    pair_agreement_from_table,
    per_label_alpha_from_stats,
    percent_agreement_from_stats,
)

HEADER = ("unit", "coder", "label")
# Below this many pairable values the coefficients swing widely with a single label.
MIN_PAIRABLE_VALUES = 20
# Above this share one label dominates, and chance-corrected coefficients become unstable.
DOMINANT_LABEL_SHARE = 0.9
BOOTSTRAP_OFF = "the bootstrap was not requested (0 resamples)"

_INT = re.compile(r"[+-]?\d+")


class RecordError(ValueError):
    """A problem in reliability data, with the 1-based line it was found on (0 if unknown)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


class Record(NamedTuple):
    """One coded value: ``coder`` gave ``label`` to ``unit`` (``line`` is the CSV line)."""

    unit: Hashable
    coder: Hashable
    label: Hashable
    line: int = 0


def parse_label(text: str, level: str = "nominal") -> Hashable:
    """Return the label as text (nominal) or as a finite number (other levels)."""
    check_level(level)
    if level == "nominal":
        return text
    try:
        value: int | float = int(text) if _INT.fullmatch(text) else float(text)
    except ValueError:
        raise ValueError(f"label {text!r} is not a number, needed at level {level!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"label {text!r} is not a finite number")
    if level == "ratio" and value < 0:
        raise ValueError(f"label {text!r} is negative, which the ratio level does not allow")
    return value


def read_records(text: str, level: str = "nominal") -> list[Record]:
    """Parse CSV text with header ``unit,coder,label``; an empty label is a missing value.

    Raises RecordError naming the line for a missing header, wrong columns, a non-numeric
    label at a non-nominal level, or one coder giving one unit two different labels.
    """
    check_level(level)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    columns: dict[str, int] | None = None
    records: list[Record] = []
    seen: dict[tuple[str, str], Record] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        if columns is None:
            columns = _header_columns(cells, line)
            continue
        if len(cells) != len(HEADER):
            raise RecordError(line, f"expected {len(HEADER)} columns, got {len(cells)}")
        unit, coder, raw = (cells[columns[name]] for name in HEADER)
        if not unit or not coder:
            raise RecordError(line, "unit and coder must not be empty")
        if not raw:
            continue  # not coded
        try:
            label = parse_label(raw, level)
        except ValueError as exc:
            raise RecordError(line, str(exc)) from None
        record = Record(unit, coder, label, line)
        first = seen.get((unit, coder))
        if first is None:
            seen[(unit, coder)] = record
            records.append(record)
        elif first.label != label:
            raise RecordError(
                line,
                f"coder {coder!r} labelled unit {unit!r} {label!r} here "
                f"but {first.label!r} on line {first.line}",
            )
    if columns is None:
        raise RecordError(1, "missing header: the file is empty, expected 'unit,coder,label'")
    return records


def _header_columns(cells: list[str], line: int) -> dict[str, int]:
    names = [c.lower() for c in cells]
    if sorted(names) == sorted(HEADER):
        return {name: names.index(name) for name in HEADER}
    got = ",".join(cells)
    if not set(names) & set(HEADER):
        raise RecordError(line, f"missing header: expected 'unit,coder,label', got {got!r}")
    raise RecordError(line, f"wrong columns: expected 'unit,coder,label', got {got!r}")


def records_to_data(records: Iterable[Sequence[Any]]) -> dict[Hashable, dict[Hashable, Any]]:
    """Group (unit, coder, label[, line]) records into ``unit -> {coder: label}``."""
    data: dict[Hashable, dict[Hashable, Any]] = {}
    for record in records:
        unit, coder, label = record[0], record[1], record[2]
        line = record[3] if len(record) > 3 else 0
        coded = data.setdefault(unit, {})
        if coder in coded and coded[coder] != label:
            raise RecordError(
                line, f"coder {coder!r} gave unit {unit!r} both {coded[coder]!r} and {label!r}"
            )
        coded[coder] = label
    return data


def score_records(
    records: Iterable[Sequence[Any]],
    level: str = "nominal",
    seed: int | None = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
    labels: Sequence[Hashable] | None = None,
) -> dict[str, Any]:
    """Score (unit, coder, label) records into the agreement report (see :func:`score_data`)."""
    return score_data(records_to_data(records), level, seed, resamples, labels)


def score_data(
    data: ReliabilityData,
    level: str = "nominal",
    seed: int | None = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
    labels: Sequence[Hashable] | None = None,
) -> dict[str, Any]:
    """Compute every agreement figure as one JSON-ready dict; undefined values are None.

    ``labels`` is the full label set (it sets AC1's q); by default, the labels that occur.
    """
    check_level(level)
    enc = encode(data, labels, level)
    counts = enc.counts()
    stats = AgreementStats.from_counts(counts, enc.values)
    reasons: dict[str, Any] = {}

    def value(name: str, stat: Stat) -> float | None:
        if not stat.defined:
            reasons[name] = stat.reason
        return stat.value

    alpha = value("alpha", alpha_from_stats(stats, level))
    if resamples > 0:
        boot = bootstrap_alpha_counts(counts, enc.values, level, resamples, seed)
        ci = list(boot.interval) if boot.interval else None
        if ci is None:
            reasons["alpha_ci"] = boot.reason
        defined_resamples = boot.defined_resamples
    else:
        ci, defined_resamples = None, 0
        reasons["alpha_ci"] = BOOTSTRAP_OFF

    per_label: dict[str, float | None] = {}
    label_reasons: dict[str, str | None] = {}
    for label, stat in per_label_alpha_from_stats(stats).items():
        per_label[str(label)] = stat.value
        if not stat.defined:
            label_reasons[str(label)] = stat.reason
    if label_reasons:
        reasons["per_label"] = label_reasons

    pairwise = []
    for (a, b), table in pair_tables(enc).items():
        pair = pair_agreement_from_table(a, b, table)
        fields = {
            "percent_agreement": pair.percent_agreement,
            "cohen_kappa": pair.cohen_kappa,
            "scott_pi": pair.scott_pi,
        }
        pairwise.append(
            {
                "coder_a": a,
                "coder_b": b,
                "n": pair.n,
                **{k: s.value for k, s in fields.items()},
                "reasons": {k: s.reason for k, s in fields.items() if not s.defined},
            }
        )

    report: dict[str, Any] = {
        "level": level,
        "units": len(enc.units),
        "coders": len(enc.coders),
        "labels": list(enc.values),
        "coded_values": int(counts.sum()),
        "pairable_units": stats.pairable_units,
        "pairable_values": stats.pairable_values,
        "alpha": alpha,
        "alpha_ci": ci,
        "bootstrap": {
            "method": "percentile; pairable units resampled with replacement",
            "resamples": resamples,
            "defined_resamples": defined_resamples,
            "seed": seed,
            "confidence": DEFAULT_CONFIDENCE,
        },
        "fleiss_kappa": value("fleiss_kappa", fleiss_from_stats(stats)),
        "gwet_ac1": value("gwet_ac1", ac1_from_stats(stats)),
        "percent_agreement": value("percent_agreement", percent_agreement_from_stats(stats)),
        "pairwise": pairwise,
        "per_label": per_label,
        "warnings": _warnings(enc.coders, enc.values, counts, stats, resamples, defined_resamples),
        "reasons": reasons,
    }
    return report


def _warnings(
    coders: Sequence[Hashable],
    values: Sequence[Hashable],
    counts: Any,
    stats: AgreementStats,
    resamples: int,
    defined_resamples: int,
) -> list[str]:
    warnings = []
    if len(coders) < 2:
        warnings.append(f"fewer than two coders ({len(coders)}): agreement cannot be measured")
    if stats.pairable_values < MIN_PAIRABLE_VALUES:
        warnings.append(
            f"few pairable values ({stats.pairable_values}, fewer than {MIN_PAIRABLE_VALUES}):"
            " the coefficients are very uncertain"
        )
    totals = counts.sum(axis=0)
    total = int(totals.sum())
    if total and len(values) and totals.max() / total > DOMINANT_LABEL_SHARE:
        top = values[int(totals.argmax())]
        warnings.append(
            f"label {str(top)!r} is {totals.max() / total:.0%} of all values (over "
            f"{DOMINANT_LABEL_SHARE:.0%}): chance-corrected coefficients can be low or undefined"
            " even when percent agreement is high"
        )
    if 0 < defined_resamples < resamples:
        warnings.append(
            f"alpha was undefined in {resamples - defined_resamples} of {resamples} bootstrap"
            " resamples; the interval uses the others"
        )
    return warnings
