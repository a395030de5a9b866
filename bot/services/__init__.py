"""The bot's decisions, one module per feature: each runs in one unit of work and returns views."""
