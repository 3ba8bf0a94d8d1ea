"""Code generated from spec/ by tools/gen_codecs.py; never edited by hand."""
