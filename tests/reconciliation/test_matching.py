"""The reconciliation matcher, pass by pass, on hand-made books with exact expected results."""

import datetime
from decimal import Decimal

import pytest

from reconciliation.matching import Leftover, Line, Match, MatchRules, match, timed_match
from reconciliation.matching_book import forget
from reconciliation.matching_text import parse, parse_all, party_text, reference_tokens, similarity

D = Decimal


def day(n: int) -> datetime.date:
    return datetime.date(2025, 3, 1) + datetime.timedelta(days=n - 1)


def bank(id, on, amount, text="", reference=""):
    return Line(id, day(on), D(amount), text, reference)


ledger = bank


# -- reference pass ------------------------------------------------------------------------


def test_equal_amount_and_reference_is_an_auto_match_naming_the_reference():
    result = match(
        [bank("b1", 3, "1042.50", "FPS CREDIT ACME LTD", "INV-10423")],
        [ledger("l1", 1, "1042.50", "Receipt Acme Ltd", "INV-10423")],
    )
    assert result.matches == [
        Match(
            ("b1",),
            ("l1",),
            "auto",
            98.8,
            "reference",
            "same amount, 2 days apart, reference 10423 agrees",
        )
    ]
    assert result.unmatched_bank == [] and result.unmatched_ledger == []


def test_a_reference_with_its_prefix_dropped_or_run_together_still_agrees():
    result = match(
        [bank("b1", 2, "310.00", "", "10423"), bank("b2", 2, "99.00", "BGC INV10424")],
        [ledger("l1", 1, "310.00", "", "INV-10423"), ledger("l2", 2, "99.00", "", "INV-10424")],
    )
    assert sorted((m.bank_ids, m.ledger_ids, m.kind, m.pass_name) for m in result.matches) == [
        (("b1",), ("l1",), "auto", "reference"),
        (("b2",), ("l2",), "auto", "reference"),
    ]


def test_a_reference_quoted_on_many_lines_is_not_evidence():
    # A customer quoting its account number every week: the number tells nothing apart.
    lines = [bank(f"b{n}", n * 3, "50.00", "ACME", "ACC 778812") for n in range(1, 6)]
    entries = [ledger(f"l{n}", n * 3, "50.00", "Acme", "778812") for n in range(1, 6)]
    result = match(lines, entries)
    assert {m.pass_name for m in result.matches} == {"amount_date"}


# -- amount and date pass ------------------------------------------------------------------


def test_equal_amount_and_alike_names_in_the_window_is_auto():
    result = match(
        [bank("b1", 4, "-57.31", "CARD PAYMENT TO AMAZON MKTPLACE ON 02 MAR")],
        [ledger("l1", 2, "-57.31", "Amazon Marketplace EU SARL")],
    )
    assert result.matches == [
        Match(
            ("b1",), ("l1",), "auto", 61.0, "amount_date", "same amount, 2 days apart, names alike"
        )
    ]


def test_equal_round_amounts_with_nothing_else_to_go_on_are_only_suggested():
    result = match(
        [bank("b1", 1, "-1200.00", "STANDING ORDER")],
        [ledger("l1", 1, "-1200.00", "Rent")],
    )
    assert result.matches == [
        Match(
            ("b1",),
            ("l1",),
            "suggested",
            20.0,
            "amount_date",
            "same amount, same day, a round amount with nothing else to tell it by",
        )
    ]


def test_a_recurring_subscription_amount_is_not_auto_paired_by_guess():
    # 9.99 every month on both sides: each month's pair is alone in its window, but the
    # amount alone does not say which subscription it is.
    lines = [bank("b1", 1, "-9.99", "DD"), bank("b2", 29, "-9.99", "DD")]
    entries = [ledger("l1", 1, "-9.99", "Subscription"), ledger("l2", 29, "-9.99", "Subscription")]
    result = match(lines, entries)
    assert [(m.bank_ids, m.ledger_ids, m.kind) for m in result.matches] == [
        (("b1",), ("l1",), "suggested"),
        (("b2",), ("l2",), "suggested"),
    ]
    assert result.matches[0].reason.endswith(
        "an amount that recurs, with nothing else to tell it by"
    )


def test_a_distinct_amount_alone_in_its_window_on_both_sides_is_auto():
    result = match([bank("b1", 5, "-123.47", "CHQ 100234")], [ledger("l1", 3, "-123.47", "")])
    assert result.matches[0].kind == "auto"
    assert result.matches[0].reason == (
        "same amount, 2 days apart, the only line with this amount on either side"
    )


def test_the_best_candidate_must_clearly_beat_the_second_to_be_auto():
    # Two 4.50 coffees at the same café: only the dates differ, not clearly enough.
    lines = [bank("b1", 3, "-4.50", "PRET A MANGER"), bank("b2", 5, "-4.50", "PRET A MANGER")]
    entries = [ledger("l1", 2, "-4.50", "Pret A Manger"), ledger("l2", 4, "-4.50", "Pret A Manger")]
    result = match(lines, entries)
    assert [(m.bank_ids, m.ledger_ids, m.kind) for m in result.matches] == [
        (("b1",), ("l1",), "suggested"),
        (("b2",), ("l2",), "suggested"),
    ]
    assert "1 other entry with this amount in the window" in result.matches[0].reason


def test_names_that_tell_equal_amounts_apart_make_each_pair_auto():
    lines = [
        bank("b1", 28, "-1850.00", "FPS O WRIGHT SALARY"),
        bank("b2", 28, "-1850.00", "FPS A KHAN"),
    ]
    entries = [
        ledger("l1", 28, "-1850.00", "Net pay Aisha Khan"),
        ledger("l2", 28, "-1850.00", "Net pay Oliver Wright"),
    ]
    result = match(lines, entries)
    assert sorted((m.bank_ids, m.ledger_ids, m.kind) for m in result.matches) == [
        (("b1",), ("l2",), "auto"),
        (("b2",), ("l1",), "auto"),
    ]


def test_equal_lines_pair_in_date_order_not_crosswise():
    lines = [bank("b1", 3, "-3.20", "COSTA COFFEE"), bank("b2", 4, "-3.20", "COSTA COFFEE")]
    entries = [ledger("l1", 1, "-3.20", "Costa Coffee"), ledger("l2", 3, "-3.20", "Costa Coffee")]
    result = match(lines, entries)
    assert sorted((m.bank_ids, m.ledger_ids) for m in result.matches) == [
        (("b1",), ("l1",)),
        (("b2",), ("l2",)),
    ]


def test_the_date_window_is_honoured():
    lines = [bank("b1", 12, "-123.47", "SMITH JOINERY")]
    entries = [ledger("l1", 1, "-123.47", "Smith Joinery")]
    assert match(lines, entries, MatchRules(date_window_days=10)).matches == []
    result = match(lines, entries, MatchRules(date_window_days=11))
    assert [(m.bank_ids, m.kind) for m in result.matches] == [(("b1",), "auto")]


def test_references_must_agree_leaves_other_pairs_suggested():
    rules = MatchRules(references_must_agree=True)
    result = match(
        [bank("b1", 2, "-57.31", "AMAZON MKTPLACE"), bank("b2", 2, "88.00", "ACME", "INV-20001")],
        [
            ledger("l1", 2, "-57.31", "Amazon Marketplace"),
            ledger("l2", 1, "88.00", "", "INV-20001"),
        ],
        rules,
    )
    kinds = {m.bank_ids: (m.kind, m.pass_name) for m in result.matches}
    assert kinds == {("b1",): ("suggested", "amount_date"), ("b2",): ("auto", "reference")}
    assert result.for_bank("b1").reason.endswith("the references must agree")


# -- group pass ----------------------------------------------------------------------------


def test_a_batch_deposit_is_found_as_a_group_suggestion():
    result = match(
        [bank("b1", 5, "1234.56", "PAYING IN 100234")],
        [
            ledger("l1", 2, "1000.00", "Cheque Acme"),
            ledger("l2", 3, "200.50", "Cheque Beta"),
            ledger("l3", 3, "34.06", "Cheque Gamma"),
            ledger("l4", 3, "17.10", "Cheque Delta"),
        ],
    )
    assert result.matches == [
        Match(
            ("b1",),
            ("l1", "l3", "l2"),
            "suggested",
            71.4,
            "group",
            "3 ledger entries add up to the bank amount, at most 3 days apart",
        )
    ]
    assert result.unmatched_ledger == [Leftover("ledger", "l4", "no bank line in the window")]


def test_an_invoice_paid_in_two_parts_is_a_group_of_bank_lines():
    result = match(
        [bank("b1", 3, "400.00", "ACME LTD"), bank("b2", 10, "834.56", "ACME LTD")],
        [ledger("l1", 4, "1234.56", "Receipt Acme Ltd")],
    )
    assert [(m.bank_ids, m.ledger_ids, m.kind, m.pass_name) for m in result.matches] == [
        (("b1", "b2"), ("l1",), "suggested", "group")
    ]


def test_a_group_with_another_set_adding_up_too_says_so_and_takes_the_nearest_dates():
    # 10 + 40 and 20 + 30 both make 50: the pair dated nearest the bank line is suggested,
    # with a lower score
    result = match(
        [bank("b1", 5, "50.00", "PAYING IN")],
        [
            ledger("l1", 2, "10.00", "Cheque"),
            ledger("l2", 5, "20.00", "Cheque"),
            ledger("l3", 5, "30.00", "Cheque"),
            ledger("l4", 2, "40.00", "Cheque"),
        ],
    )
    assert [(m.bank_ids, m.ledger_ids, m.score, m.reason) for m in result.matches] == [
        (
            ("b1",),
            ("l2", "l3"),
            60.0,
            "2 ledger entries add up to the bank amount, all on the same day; "
            "another set adds up too",
        )
    ]


def test_four_lines_adding_up_are_found_however_the_sum_splits():
    # a payment run of four: every way of cutting it into two pairs meets at the total
    result = match(
        [bank("b1", 3, "-1000.00", "BACS BULK PAYMENT 4411")],
        [
            ledger("l1", 3, "-123.45", "Payment Acme"),
            ledger("l2", 3, "-276.55", "Payment Beta"),
            ledger("l3", 3, "-311.11", "Payment Gamma"),
            ledger("l4", 3, "-288.89", "Payment Delta"),
            ledger("l5", 3, "-900.00", "Payment Eta"),
        ],
    )
    assert [(m.bank_ids, m.ledger_ids, m.reason) for m in result.matches] == [
        (
            ("b1",),
            ("l3", "l4", "l2", "l1"),
            "4 ledger entries add up to the bank amount, all on the same day",
        )
    ]


def test_groups_never_reuse_a_line_and_stay_within_the_group_size():
    entries = [ledger(f"l{n}", 2, "10.00", "Cheque") for n in range(1, 7)]
    result = match(
        [bank("b1", 3, "60.00", "PAYING IN"), bank("b2", 3, "20.00", "PAYING IN")], entries
    )
    used = [i for m in result.matches for i in m.ledger_ids]
    assert len(used) == len(set(used))
    assert all(len(m.ledger_ids) <= 4 for m in result.matches)
    assert [m.bank_ids for m in result.matches] == [("b2",)]


# -- tolerance pass ------------------------------------------------------------------------


def test_a_card_fee_netted_off_is_a_tolerance_suggestion_with_its_difference():
    rules = MatchRules(tolerance_percent=D("2.5"))
    result = match(
        [bank("b1", 3, "246.30", "STRIPE PAYMENTS UK")],
        [ledger("l1", 1, "250.00", "Card takings Stripe")],
        rules,
    )
    assert result.matches == [
        Match(
            ("b1",),
            ("l1",),
            "suggested",
            65.6,
            "tolerance",
            "amounts differ by 3.70 (1.5 %), within the tolerance, 2 days apart, names alike",
            D("-3.70"),
        )
    ]
    # without a tolerance (the default) near amounts are no match
    assert match([bank("b1", 3, "246.30")], [ledger("l1", 1, "250.00")]).matches == []


def test_a_difference_beyond_the_tolerance_is_no_match():
    rules = MatchRules(tolerance=D("2.00"))
    assert match([bank("b1", 1, "97.99")], [ledger("l1", 1, "100.00")], rules).matches == []
    near = match([bank("b1", 1, "98.00")], [ledger("l1", 1, "100.00")], rules).matches
    assert [(m.pass_name, m.difference) for m in near] == [("tolerance", D("-2.00"))]


def test_a_percentage_tolerance_is_exact_at_its_limit():
    # 2.5 % of 100.00 is 2.50, computed in integers: 97.50 is within it, 97.49 is not
    rules = MatchRules(tolerance_percent=D("2.5"))
    inside = match([bank("b1", 1, "97.50")], [ledger("l1", 1, "100.00")], rules).matches
    assert [(m.pass_name, m.difference) for m in inside] == [("tolerance", D("-2.50"))]
    assert match([bank("b1", 1, "97.49")], [ledger("l1", 1, "100.00")], rules).matches == []
    # a percentage of an amount in thousandths is not rounded to the penny first
    rules = MatchRules(tolerance_percent=D("0.3"))
    inside = match([bank("b1", 1, "9.970")], [ledger("l1", 1, "10.000")], rules).matches
    assert [m.difference for m in inside] == [D("-0.030")]
    assert match([bank("b1", 1, "9.969")], [ledger("l1", 1, "10.000")], rules).matches == []


# -- leftovers -----------------------------------------------------------------------------


def test_leftovers_carry_a_hint():
    result = match(
        [
            bank("b1", 28, "-12.50", "SERVICE CHARGES"),
            bank("b2", 5, "-83.12", "CARD PAYMENT TO SCREWFIX"),
            bank("b3", 5, "-71.40", "TRAVIS PERKINS"),
            bank("b4", 9, "-33.00", "UBER"),
            bank("b5", 9, "-33.00", "UBER"),
        ],
        [ledger("l1", 20, "-71.40", "Travis Perkins"), ledger("l2", 2, "450.00", "Cheque Acme")],
    )
    assert result.matches == []
    assert result.unmatched_bank == [
        Leftover("bank", "b2", "no ledger entry in the window"),
        Leftover(
            "bank", "b3", "an entry with this amount exists 15 days away (outside the window)"
        ),
        Leftover("bank", "b4", "possible duplicate"),
        Leftover("bank", "b5", "possible duplicate"),
        Leftover("bank", "b1", "bank charge"),
    ]
    assert result.unmatched_ledger == [
        Leftover("ledger", "l2", "no bank line in the window"),
        Leftover(
            "ledger", "l1", "an entry with this amount exists 15 days away (outside the window)"
        ),
    ]


# -- amounts -------------------------------------------------------------------------------


def test_decimal_in_decimal_out():
    result = match(
        [bank("b1", 1, "98.00")], [ledger("l1", 1, "100.00")], MatchRules(tolerance=D("5"))
    )
    difference = result.matches[0].difference
    assert isinstance(difference, Decimal) and difference == D("-2.00")
    assert str(difference) == "-2.00"


def test_amounts_with_three_decimals_are_matched_in_thousandths_without_rounding():
    result = match(
        [bank(1, 1, "10.005", "FUEL"), bank(2, 1, "10.004", "FUEL")],
        [ledger(1, 1, "10.005", "Fuel")],
        MatchRules(tolerance=D("0.001")),
    )
    exact = result.for_bank(1)
    assert (exact.ledger_ids, exact.pass_name) == ((1,), "amount_date")
    # 10.004 is not 10.005: rounding to pence would have made it a twin of bank line 1
    assert result.for_bank(2) is None
    assert result.unmatched_bank == [Leftover("bank", 2, "no ledger entry in the window")]


def test_tolerance_differences_keep_the_finest_unit():
    result = match(
        [bank(1, 1, "10.004")], [ledger(1, 1, "10.005")], MatchRules(tolerance=D("0.001"))
    )
    assert result.matches[0].difference == D("-0.001")


def test_amounts_written_with_trailing_zeros_keep_their_unit():
    # "10.500" is in thousandths even though its last digit is a zero
    result = match(
        [bank("b1", 1, "10.500")], [ledger("l1", 1, "10.00")], MatchRules(tolerance=D("1"))
    )
    assert str(result.matches[0].difference) == "0.500"
    assert result.matches[0].reason.startswith("amounts differ by 0.500 (5.0 %)")


def test_integer_and_string_ids_and_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="bank line id 'b1' appears twice"):
        match([bank("b1", 1, "1.00"), bank("b1", 2, "2.00")], [])
    with pytest.raises(ValueError, match="not a number"):
        match([bank("b1", 1, "NaN")], [])


def test_rules_are_checked():
    with pytest.raises(ValueError):
        MatchRules(date_window_days=-1)
    with pytest.raises(ValueError):
        MatchRules(max_group_size=9)


# -- text ----------------------------------------------------------------------------------


def test_text_is_normalised_to_the_party_words():
    assert party_text("CARD PAYMENT TO TESCO STORES 3297 ON 14 MAR") == "TESCO STORES"
    assert party_text("FPS CREDIT Acme Ltd") == "ACME"


def test_reference_tokens_follow_the_four_character_rule():
    assert reference_tokens("INV-0010423") == frozenset({"10423"})
    assert reference_tokens("INV10423 ref 12") == frozenset({"INV10423", "10423"})
    assert reference_tokens("PAYMENT ACME") == frozenset()


def test_abbreviated_counterparties_are_alike():
    assert similarity("AMAZON MKTPLACE", "AMAZON MARKETPLACE EU SARL") >= 80
    assert similarity("AMZN MKTP", "AMAZON MARKETPLACE EU SARL") >= 80
    assert similarity("TESCO STORES", "SHELL FUEL") < 50


# -- steps and caches ----------------------------------------------------------------------


def test_timed_match_gives_the_result_of_match_and_the_seconds_of_each_step():
    lines = [bank("b1", 3, "-3.20", "COSTA COFFEE"), bank("b2", 4, "98.00", "ACME")]
    entries = [ledger("l1", 1, "-3.20", "Costa Coffee"), ledger("l2", 3, "100.00", "Acme")]
    rules = MatchRules(tolerance=D("5"))
    result, seconds = timed_match(lines, entries, rules)
    assert result == match(lines, entries, rules)
    assert list(seconds) == [
        "prepare",
        "reference",
        "amount_date",
        "tolerance",
        "group",
        "leftovers",
    ]
    assert all(value >= 0 for value in seconds.values())


def test_the_text_caches_change_no_result():
    lines = [
        bank("b1", 4, "-57.31", "CARD PAYMENT TO AMZN MKTP UK ON 02 MAR"),
        bank("b2", 5, "1042.50", "FPS CREDIT ACME LTD INV 10423"),
    ]
    entries = [
        ledger("l1", 2, "-57.31", "Amazon Marketplace EU SARL"),
        ledger("l2", 3, "1042.50", "Receipt Acme Ltd", "INV-10432"),
    ]
    forget()
    cold = match(lines, entries)
    warm = match(lines, entries)
    assert cold == warm
    assert [(m.kind, m.reason) for m in cold.matches] == [
        ("auto", "same amount, 2 days apart, names alike"),
        ("auto", "same amount, 2 days apart, reference nearly agrees, names alike"),
    ]


def test_targets_of_one_window_each_find_their_own_group():
    # both bank lines search the same week of entries: the smaller one among the entries
    # smaller than it, the larger one among them all
    result = match(
        [bank("b1", 3, "-60.00", "BACS BULK PAYMENT"), bank("b2", 3, "-1000.00", "BACS BULK")],
        [
            ledger("l1", 3, "-10.00", "Payment Acme"),
            ledger("l2", 3, "-20.00", "Payment Beta"),
            ledger("l3", 3, "-30.00", "Payment Gamma"),
            ledger("l4", 3, "-100.00", "Payment Delta"),
            ledger("l5", 3, "-400.00", "Payment Eta"),
            ledger("l6", 3, "-500.00", "Payment Theta"),
        ],
    )
    assert [(m.bank_ids, m.ledger_ids, m.score) for m in result.matches] == [
        (("b1",), ("l3", "l2", "l1"), 76.7),
        (("b2",), ("l6", "l5", "l4"), 76.5),
    ]


def test_texts_parsed_all_at_once_are_parsed_as_one_by_one():
    texts = [
        "CARD PAYMENT TO TESCO STORES 3297 ON 14 MAR",
        "FPS CREDIT Acme Ltd INV-0010423",
        "Café Ørsted straße 10423",  # not ASCII: each text on its own
        "",
    ]
    forget()
    one_by_one = [parse(text) for text in texts] + [parse("two\nlines INV10423")]
    forget()
    assert [parse_all(texts)[text] for text in texts] == one_by_one[:4]
    forget()
    every = parse_all(texts[:2] + ["two\nlines INV10423", "a NUL\0 here"])
    assert [every[text] for text in texts[:2]] == one_by_one[:2]
    assert (
        every["two\nlines INV10423"]
        == one_by_one[4]
        == ("TWO LINES", frozenset({"INV10423", "10423"}))
    )
    assert every["a NUL\0 here"] == ("NUL HERE", frozenset())
    assert one_by_one[2] == ("CAF RSTED STRASSE", frozenset({"10423"}))  # letters A to Z
