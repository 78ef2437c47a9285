"""Understanding: pure and synchronous, no I/O. Text normalising, council matching, intent cues,
conversation context, and the engine that reads a message in its conversation."""
