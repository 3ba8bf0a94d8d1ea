"""hfclient: sans-IO clients for HuggingChat, the Inference Providers router and Hailuo AI.

The async clients (:class:`InferenceProviders`, :class:`HuggingChat`,
:class:`Hailuo`), the unified events (:mod:`hfclient.events`), the error
tree (:mod:`hfclient.errors`) and :func:`decode_stream` for bodies you
already have. The pure wire codecs live in the separate :mod:`codec` package.
"""

from hfclient._version import __version__
from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.completion import Completion
from hfclient.decoding import StreamDecoder, adecode_stream, decode_stream
from hfclient.stream import EventStream
from hfclient.sync import SyncEventStream, SyncHailuo, SyncHuggingChat, SyncInferenceProviders
from hfclient.timeouts import Timeout

__all__ = [
    "Completion",
    "EventStream",
    "Hailuo",
    "HuggingChat",
    "InferenceProviders",
    "StreamDecoder",
    "SyncEventStream",
    "SyncHailuo",
    "SyncHuggingChat",
    "SyncInferenceProviders",
    "Timeout",
    "__version__",
    "adecode_stream",
    "decode_stream",
]
