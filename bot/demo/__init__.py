"""``floorbot demo``: the whole bot in a browser, on loopback, with no token and no internet.

The real application (bot.app.builder, as ``floorbot run`` builds it) polls the local Bot API
(bot.localapi); a chat page (bot.demo.page) lets four demo people talk to it; bot.demo.seed
gives their contract a month of reports.
"""
