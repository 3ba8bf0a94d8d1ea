"""Transports: they send a :class:`codec.http.HttpRequest` and report the response as events.

- :mod:`hfclient.transport.anyio_h11`: the default, anyio + h11 (asyncio and trio).
- :mod:`hfclient.transport.curl`: curl_cffi with a browser TLS/HTTP profile (extra ``curl``).
- :mod:`hfclient.transport.replay`: recorded exchanges, in process, no sockets.
- :mod:`hfclient.transport.recording`: tees any transport into a cassette, scrubbed.

Recordings: :mod:`hfclient.transport.cassette` (the model and its YAML),
:mod:`hfclient.transport.matching` (which recorded request a request is),
:mod:`hfclient.transport.vcr` (vcrpy cassettes read into the model),
:mod:`hfclient.transport.scrub` (what a recording keeps: default-deny, secrets
as placeholders) and :mod:`hfclient.transport.scan` (the secret scanner).
"""
