"""Reminders: the schedule (lead times, due reminders, new and moved events) and delivery (the
Sender port, fan-out, pacing, announcements)."""
