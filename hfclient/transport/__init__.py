"""Transports: they send a :class:`codec.http.HttpRequest` and report the response as events.

:mod:`hfclient.transport.anyio_h11` holds the default, :class:`AnyioH11Transport`.
"""
