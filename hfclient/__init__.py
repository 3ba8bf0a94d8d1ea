"""hfclient: sans-IO clients for HuggingChat, the Inference Providers router and Hailuo AI.

The unified events (:mod:`hfclient.events`), the error tree
(:mod:`hfclient.errors`) and :func:`decode_stream` for bodies you already
have. The pure wire codecs live in the separate :mod:`codec` package.
"""

from hfclient.decoding import StreamDecoder, adecode_stream, decode_stream

__version__ = "0.1.0.dev0"

__all__ = ["StreamDecoder", "__version__", "adecode_stream", "decode_stream"]
