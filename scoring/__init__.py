"""Rulebooks and the pure scoring engine (imports neither telegram nor sqlmodel)."""
