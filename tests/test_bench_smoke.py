"""The benchmark's own code, on a tiny log, so ``make bench`` does not rot between runs."""

from __future__ import annotations

from bench.data import COLUMNS, generate
from bench.google import IMPORT, Meter, import_baseline, measure_passes, with_baselines
from tests.fakesheets import FakeSheets


def test_the_generator_is_deterministic_and_types_some_rows_badly() -> None:
    log = generate(200)
    assert log.records == generate(200).records
    assert len(log.records) == 200 and len(log.malformed) == 4
    assert all(list(record) == list(COLUMNS) for record in log.records)
    assert len({record["Ticket ID"] for record in log.records}) == 200


def test_the_google_measurement_counts_each_pass_and_scales_its_baseline(
    fake: FakeSheets,
) -> None:
    log = generate(50)
    results, turns = measure_passes(log)
    calls = {result.name: result.cost.calls for result in results}
    assert calls == {
        "init": 2,
        "import N rows": 2,
        "append one row": 2,
        "validate (flags written)": 2,
        "validate (nothing changed)": 1,
        "archive half the rows": 4,
        "summary": 2,
    }
    assert all(result.cost.bytes > 0 for result in results if result.cost.calls > 1)
    baseline = import_baseline(fake, Meter(fake), generate(10))
    assert (baseline.loop.calls, baseline.turns) == (10, 10)
    imported = next(
        r for r in with_baselines(results, turns, {IMPORT: baseline}) if r.name == IMPORT
    )
    assert imported.extrapolated and imported.baseline is not None
    assert imported.baseline.calls == baseline.fixed.calls + 50
