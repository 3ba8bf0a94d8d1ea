"""hfclient: sans-IO clients for HuggingChat, the Inference Providers router and Hailuo AI.

The protocol machines, transports and clients live here; the pure wire
codecs they drive live in the separate :mod:`codec` package.
"""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
