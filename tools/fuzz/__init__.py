"""Fuzzing harnesses for the decoders and extractors (atheris; see harness.py)."""
