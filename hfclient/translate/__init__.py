"""Wire events of each service to the unified events of :mod:`hfclient.events`.

What each wire event means is said by the ``unified`` rules of its spec
(``spec/<service>.yaml``), generated into :mod:`hfclient.translate._generated`;
the translator of each service (:mod:`hfclient.translate.huggingchat`,
``.router``, ``.hailuo``) holds only the hooks those rules name, for what
needs state. Each is sans-IO: ``feed(wire_event)`` returns the unified events
it makes, ``finish()`` the last ones at the end of the body (or raises
:class:`~hfclient.errors.IncompleteStreamError` when the service's end signal
never came). ``complete`` says whether it came.
"""
