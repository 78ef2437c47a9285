"""Types for the part of google-re2 (module `re2`) that sosbot uses: the package ships none."""

from collections.abc import Iterator
from typing import AnyStr, Generic

class _Match(Generic[AnyStr]):
    def group(self, group: int = 0) -> AnyStr: ...
    def start(self, group: int = 0) -> int: ...
    def end(self, group: int = 0) -> int: ...

class _Regexp(Generic[AnyStr]):
    @property
    def pattern(self) -> AnyStr: ...
    def search(
        self, text: AnyStr, pos: int | None = None, endpos: int | None = None
    ) -> _Match[AnyStr] | None: ...
    def match(
        self, text: AnyStr, pos: int | None = None, endpos: int | None = None
    ) -> _Match[AnyStr] | None: ...
    def fullmatch(
        self, text: AnyStr, pos: int | None = None, endpos: int | None = None
    ) -> _Match[AnyStr] | None: ...
    def finditer(
        self, text: AnyStr, pos: int | None = None, endpos: int | None = None
    ) -> Iterator[_Match[AnyStr]]: ...

def compile(pattern: AnyStr) -> _Regexp[AnyStr]: ...

class Set:
    """Several patterns searched in one pass; `Match` gives the indices of those that match."""

    @classmethod
    def SearchSet(cls) -> Set: ...  # noqa: N802
    def Add(self, pattern: str | bytes) -> int: ...  # noqa: N802
    def Compile(self) -> bool: ...  # noqa: N802
    def Match(self, text: str | bytes) -> list[int] | None: ...  # noqa: N802
