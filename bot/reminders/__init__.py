"""Reminders: the schedule (lead times, due reminders, new and moved events), pacing, delivery
(the Sender port, fan-out, the store's health) and announcements, over an EventsView of the
knowledge taken once a run. Imports neither bot.actions nor bot.runtime."""
