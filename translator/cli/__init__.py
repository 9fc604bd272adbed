"""The command line: parse options, find files, call the library, print.

Exit codes: 0 when every file is done (or skipped as not Dutch), 1 when any
file failed, 2 for usage errors. Status lines go to stderr so that
``-o -`` can stream a translation to stdout. One module per command group;
``main`` imports a command's module when the command is run (``COMMANDS``), so
that a run imports only what its command uses.
"""

from translator.cli._common import main

__all__ = ["main"]
