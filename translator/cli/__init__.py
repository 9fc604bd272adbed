"""The command line: parse options, find files, call the library, print.

Exit codes: 0 when every file is done (or skipped as not Dutch), 1 when any
file failed, 2 for usage errors. Status lines go to stderr so that
``-o -`` can stream a translation to stdout. One module per command group;
importing them registers their commands on ``main``.
"""

from translator.cli import batch, clean, glossary, models, review, translate
from translator.cli._common import main

__all__ = ["batch", "clean", "glossary", "main", "models", "review", "translate"]
