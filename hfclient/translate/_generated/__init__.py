"""Generated from ``spec/*.yaml`` by ``tools/gen_codecs.py``: each spec's ``unified`` rules."""
