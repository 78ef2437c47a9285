"""Replies: what the bot says, as data (`Reply`), composed by topic and rendered in one place
(plain text, Telegram HTML, splitting), and calendar files."""
