# The part of PyStemmer (which ships no types) that sosbot uses.
from collections.abc import Sequence

class Stemmer:
    def __init__(self, algorithm: str) -> None: ...
    def stemWords(self, words: Sequence[str]) -> list[str]: ...  # noqa: N802 (the library's name)
