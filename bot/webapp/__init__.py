"""The Telegram Mini App: the assessment table, the trend, the deductions with their evidence,
disputes and decisions, served by floorbot's own HTTP server (bot.app.serving)."""
