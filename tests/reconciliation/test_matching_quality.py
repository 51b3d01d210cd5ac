"""The matcher on the labelled generated set (``bench/matching_data.py``) at a small size:
a regression in precision or recall fails the suite. The full figures, at 10,000 lines a
side, come from ``bench/matching.py``."""

import pytest

from bench.matching import score
from bench.matching_data import RULES, generate
from reconciliation.matching import match


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_auto_matches_are_right_and_most_matchable_lines_are_found(seed):
    bank, ledger, truth = generate(600, seed)
    figures = score(match(bank, ledger, RULES), truth)
    assert figures["auto"] > 350  # most lines are matched without a person
    assert figures["auto_correct"] / figures["auto"] >= 0.995
    assert figures["found"] / figures["matchable"] >= 0.95
    assert figures["suggested_correct"] / figures["suggested"] >= 0.7


def test_the_generated_set_has_the_noise_real_books_have():
    bank, ledger, truth = generate(600, 1)
    kinds = set(truth.values())
    assert {"card takings, fee netted", "batch deposit", "payment run", "instalments"} <= kinds
    assert {"rent", "salary", "subscription", "cash", "card spend", "receipt"} <= kinds
    one_sided = len(bank) + len(ledger) - sum(len(b) + len(entry) for b, entry in truth)
    assert 0.05 <= one_sided / (len(bank) + len(ledger)) <= 0.12
    assert sum(1 for line in bank if not line.reference) > len(bank) / 2  # references missing
