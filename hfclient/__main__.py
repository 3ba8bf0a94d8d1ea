"""``python -m hfclient``: the ``hfclient`` command."""

from hfclient.cli import run

run()
