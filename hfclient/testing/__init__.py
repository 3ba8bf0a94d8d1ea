"""Testing with recordings: the loopback replay server and the pytest plugin.

These sit above the transports: they use the cassette model and the matching
rules of :mod:`hfclient.transport`, and nothing below imports them.
"""
