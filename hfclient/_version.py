"""The package version, in one place (the transports put it in their User-Agent)."""

__version__ = "0.1.0.dev0"
