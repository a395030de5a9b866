"""Everything the bot says, in Chinese and English: the messages and the texts composed of them."""
