"""Wire events of each service to the unified events of :mod:`hfclient.events`.

One translator per service, each sans-IO: ``feed(wire_event)`` returns the
unified events it makes, ``finish()`` the last ones at the end of the body
(or raises :class:`~hfclient.errors.IncompleteStreamError` when the
service's end signal never came). ``complete`` says whether it came.
"""
