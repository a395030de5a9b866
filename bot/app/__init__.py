"""The application: settings, the builder that wires the bot, its context, serving, jobs."""
