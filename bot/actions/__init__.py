"""Actions: the use cases. Each takes what a person asked for, reads or changes the store, and
returns the Reply; the one place a conversation is updated."""
