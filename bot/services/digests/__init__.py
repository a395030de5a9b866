"""Digests for managers: when they are due, what they say, and delivering each exactly once."""
