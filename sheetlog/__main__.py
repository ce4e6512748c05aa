"""``python -m sheetlog``: the same as the ``sheetlog`` command."""

from .cli import main

main()
