"""Properties of the reconciliation matcher over generated books (hypothesis): every line is
used once, a match's amounts agree within the tolerance and its dates within the window, and
the order of the input changes nothing."""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciliation.matching import Line, MatchRules, match

START = datetime.date(2025, 3, 1)
# Few amounts, texts and references, so that equal amounts, near amounts, sums and shared
# references are common.
AMOUNTS = ["9.99", "10.00", "12.50", "20.00", "22.49", "32.49", "45.10", "100.00", "99.00"]
TEXTS = ["", "ACME LTD", "Acme Limited", "TESCO STORES 3297", "Tesco", "STANDING ORDER", "Rent"]
REFERENCES = ["", "", "INV-1001", "1001", "INV-1002", "PO 5531"]


@st.composite
def lines(draw, prefix: str):
    count = draw(st.integers(0, 12))
    drawn = []
    for number in range(count):
        amount = Decimal(draw(st.sampled_from(AMOUNTS)))
        if draw(st.booleans()):
            amount = -amount
        drawn.append(
            Line(
                id=f"{prefix}{number}" if draw(st.booleans()) else number,
                date=START + datetime.timedelta(days=draw(st.integers(0, 20))),
                amount=amount,
                text=draw(st.sampled_from(TEXTS)),
                reference=draw(st.sampled_from(REFERENCES)),
            )
        )
    # ids must be unique on a side: the strategy may draw "b3" and 3, which are different
    return drawn


rules_strategy = st.builds(
    MatchRules,
    date_window_days=st.integers(0, 10),
    tolerance=st.sampled_from([Decimal("0.00"), Decimal("0.50"), Decimal("2.00")]),
    tolerance_percent=st.sampled_from([None, Decimal("1"), Decimal("2.5")]),
    references_must_agree=st.booleans(),
    max_group_size=st.integers(1, 4),
)


@settings(max_examples=150, deadline=None)
@given(bank=lines("b"), ledger=lines("l"), rules=rules_strategy)
def test_every_line_appears_exactly_once_in_the_result(bank, ledger, rules):
    result = match(bank, ledger, rules)
    bank_seen = [i for m in result.matches for i in m.bank_ids]
    bank_seen += [leftover.id for leftover in result.unmatched_bank]
    ledger_seen = [i for m in result.matches for i in m.ledger_ids]
    ledger_seen += [leftover.id for leftover in result.unmatched_ledger]
    assert sorted(map(repr, bank_seen)) == sorted(repr(line.id) for line in bank)
    assert sorted(map(repr, ledger_seen)) == sorted(repr(line.id) for line in ledger)


@settings(max_examples=150, deadline=None)
@given(bank=lines("b"), ledger=lines("l"), rules=rules_strategy)
def test_a_matchs_amounts_agree_within_the_tolerance_and_dates_within_the_window(
    bank, ledger, rules
):
    by_bank = {line.id: line for line in bank}
    by_ledger = {line.id: line for line in ledger}
    for found in match(bank, ledger, rules).matches:
        banked = [by_bank[i] for i in found.bank_ids]
        booked = [by_ledger[i] for i in found.ledger_ids]
        bank_total = sum(line.amount for line in banked)
        ledger_total = sum(line.amount for line in booked)
        assert found.difference == bank_total - ledger_total
        if found.pass_name == "tolerance":
            assert 0 < abs(found.difference) <= rules.tolerance_for(bank_total, ledger_total)
            assert (bank_total > 0) == (ledger_total > 0)
        else:
            assert found.difference == 0
        if found.pass_name == "group":
            assert found.kind == "suggested"
            assert 2 <= len(banked) + len(booked) - 1 <= rules.max_group_size
        for line in banked:
            for entry in booked:
                assert abs((line.date - entry.date).days) <= rules.date_window_days
        assert 0 <= found.score <= 100


@settings(max_examples=150, deadline=None)
@given(
    bank=lines("b"),
    ledger=lines("l"),
    rules=rules_strategy,
    order=st.randoms(use_true_random=False),
)
def test_shuffling_the_input_changes_nothing(bank, ledger, rules, order):
    expected = match(bank, ledger, rules)
    shuffled_bank, shuffled_ledger = list(bank), list(ledger)
    order.shuffle(shuffled_bank)
    order.shuffle(shuffled_ledger)
    assert match(shuffled_bank, shuffled_ledger, rules) == expected
