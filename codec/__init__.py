"""Pure codecs for the HuggingChat, Inference Providers router and Hailuo AI wire formats.

Bytes in, typed values out, and back: no I/O, no clock, no randomness. The
package depends on attrs and the standard library only, so it can be used
without :mod:`hfclient`.
"""

from codec.errors import CodecError

__all__ = ["CodecError"]
