"""Pieces of the markdown wave-plan reader; `waveflow.plan.read_markdown` puts them together."""
