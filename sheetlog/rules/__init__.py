"""The rules a log's values follow, checked in this order: one cell (``cells``), one row
(``rows``), the whole log (``logchecks``)."""
