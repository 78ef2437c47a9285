"""Score the engine on labelled question sets: accuracy per set and per kind, and every wrong
answer, as the 97% test (tests/unit/test_understanding.py) scores them.

    python -m scripts.score_questions [SET.yaml ...]

Without arguments it scores every set the test holds to the bar (tests/question_sets.py). Run
from the repository root with the test dependencies installed (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.replies.current import KnowledgeView
from knowledge.loader import load_knowledge
from tests.conftest import LONDON, console_asker
from tests.question_sets import QUESTION_SETS, accuracy_by_kind, kind_table, run_question_set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=QUESTION_SETS)
    parser.add_argument("--quiet", action="store_true", help="no list of wrong answers")
    arguments = parser.parse_args()

    ask = console_asker(KnowledgeView.build(load_knowledge(), LONDON))
    for path in arguments.sets:
        outcomes = run_question_set(ask, path)
        wrong = [outcome for outcome in outcomes if outcome.problems]
        right = len(outcomes) - len(wrong)
        off_topic = sum(outcome.off_topic_answered for outcome in outcomes)
        print(
            f"{path}: {right}/{len(outcomes)} = {right / len(outcomes):.1%}; "
            f"off-topic answered as on-topic: {off_topic}"
        )
        print(kind_table(accuracy_by_kind(outcomes)))
        if not arguments.quiet:
            for outcome in wrong:
                print(f"  [{outcome.kind}] {outcome.ask!r}: {'; '.join(outcome.problems)}")
        print()


if __name__ == "__main__":
    main()
