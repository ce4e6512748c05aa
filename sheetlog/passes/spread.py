"""How the summary states a duration: its median and 90th percentile, pandas' defaults
(linear interpolation between the closest ranks), to two decimals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of a duration; None when there is no data."""

    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: pd.Series) -> Spread:
        """The spread of ``values`` (missing ones left out)."""
        values = values.dropna()
        if values.empty:
            return cls(None, None)
        return cls(rounded(values.median()), rounded(values.quantile(0.9)))


def rounded(value: Any) -> float | None:
    """Two decimals; None for a missing value."""
    if value is None or pd.isna(value):
        return None
    return round(float(value), 2)
