"""The code generator behind tools/gen_codecs.py: spec model, type grammar, renderer."""
