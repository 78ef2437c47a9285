# The part of bm25s (which ships no types) that sosbot uses.
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

class BM25:
    def __init__(self) -> None: ...
    def index(self, corpus: Sequence[Sequence[str]], *, show_progress: bool = ...) -> None: ...
    def get_scores(self, query_tokens_single: Sequence[str]) -> npt.NDArray[np.float64]: ...
