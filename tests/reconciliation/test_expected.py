"""Expected lines that did not come: recurring payments and receipts of the three prior months
with nothing like them in the period, on hand-made books with exact expected results."""

import datetime
import random
import time
from decimal import Decimal

import pytest

from reconciliation.expected import Expected, counterparty_key, expected_missing
from reconciliation.matching import Line

D = Decimal
DECEMBER = (datetime.date(2024, 12, 1), datetime.date(2024, 12, 31))


def on(month: int, day: int, year: int = 2024) -> datetime.date:
    return datetime.date(year, month, day)


def line(id, month, day, amount, text="", reference="", year=2024):
    return Line(id, on(month, day, year), D(amount), text, reference)


def monthly(name, text, amount, dates, year=2024):
    """One line a month: ``dates`` are (month, day) pairs."""
    return [line(f"{name}-{month}", month, day, amount, text, year=year) for month, day in dates]


RENT = monthly("rent", "SO LANDLORD PROPERTIES 0412", "-1200.00", [(9, 2), (10, 1), (11, 1)])
# Payroll on the last working day: Monday 30 September, Thursday 31 October, Friday 29 Nov.
PAYROLL = [
    line("pay-9", 9, 30, "-8412.37", "BACS PAYROLL SEPTEMBER"),
    line("pay-10", 10, 31, "-8390.10", "BACS PAYROLL OCTOBER"),
    line("pay-11", 11, 29, "-8575.92", "BACS PAYROLL NOVEMBER"),
]
SOFTWARE = [
    line("xero-9", 9, 7, "-33.60", "CARD PAYMENT TO XERO UK 07/09"),
    line("xero-10", 10, 7, "-33.60", "CARD PAYMENT TO XERO UK 07/10"),
    line("xero-11", 11, 7, "-36.00", "CARD PAYMENT TO XERO UK 07/11"),
]
LOAN = monthly("loan", "DD FUNDING CIRCLE LOAN 88123", "-512.44", [(9, 16), (10, 15), (11, 15)])
# Weekly shop, every Friday, of varying amounts.
TESCO = [
    Line(
        f"tesco-{n}",
        on(9, 6) + datetime.timedelta(weeks=n),
        D(f"-{40 + n * 3}.15"),
        f"CARD PAYMENT TO TESCO STORES {3000 + n}",
    )
    for n in range(13)
]
HISTORY = RENT + PAYROLL + SOFTWARE + LOAN + TESCO


def expected(history, current, side="bank", as_of=None, period=DECEMBER):
    return expected_missing(history, current, period[0], period[1], side, as_of)


# -- what goes missing ---------------------------------------------------------------------


def test_rent_on_the_first_missing_is_listed_with_its_reason():
    current = [
        line("pay-12", 12, 31, "-8440.00", "BACS PAYROLL DECEMBER"),
        line("xero-12", 12, 7, "-36.00", "CARD PAYMENT TO XERO UK 07/12"),
        line("loan-12", 12, 16, "-512.44", "DD FUNDING CIRCLE LOAN 88123"),
        line("tesco-x", 12, 6, "-61.15", "CARD PAYMENT TO TESCO STORES 3011"),
    ]
    assert expected(HISTORY, current) == [
        Expected(
            counterparty="LANDLORD PROPERTIES",
            typical_amount=D("-1200.00"),
            usual_day=1,
            side="bank",
            seen=(on(9, 2), on(10, 1), on(11, 1)),
            reason=(
                "paid on about the 1st in each of September, October and November (1,200.00);"
                " nothing like it in December"
            ),
        )
    ]


def test_everything_missing_is_listed_by_usual_day_then_counterparty():
    result = expected(HISTORY, [])
    assert [(e.usual_day, e.counterparty, e.typical_amount) for e in result] == [
        (1, "LANDLORD PROPERTIES", D("-1200.00")),
        (7, "XERO UK", D("-33.60")),
        (15, "FUNDING CIRCLE LOAN", D("-512.44")),
        (30, "PAYROLL", D("-8412.37")),
    ]
    assert result[1].reason == (
        "paid on about the 7th in each of September, October and November (33.60 to 36.00);"
        " nothing like it in December"
    )
    assert result[3].seen == (on(9, 30), on(10, 31), on(11, 29))


def test_the_output_does_not_depend_on_the_order_of_the_input():
    shuffled = list(HISTORY)
    random.Random(7).shuffle(shuffled)
    assert expected(shuffled, []) == expected(HISTORY, [])


# -- what came -----------------------------------------------------------------------------


def test_payroll_on_the_last_working_day_present_this_month_is_not_listed():
    current = [line("pay-12", 12, 31, "-8440.00", "BACS PAYROLL DECEMBER")]
    assert "PAYROLL" not in [e.counterparty for e in expected(HISTORY, current)]


def test_a_subscription_with_a_slightly_different_amount_is_not_listed():
    current = [line("xero-12", 12, 9, "-37.80", "XERO UK CARD PAYMENT")]
    assert "XERO UK" not in [e.counterparty for e in expected(HISTORY, current)]


def test_a_loan_repayment_moved_from_the_15th_to_the_17th_came():
    current = [line("loan-12", 12, 17, "-512.44", "DD FUNDING CIRCLE LOAN 88123")]
    assert "FUNDING CIRCLE LOAN" not in [e.counterparty for e in expected(HISTORY, current)]


def test_a_line_anywhere_in_the_period_counts_even_far_from_the_usual_day():
    current = [line("rent-12", 12, 20, "-1200.00", "LANDLORD PROPERTIES LTD")]
    assert "LANDLORD PROPERTIES" not in [e.counterparty for e in expected(HISTORY, current)]


def test_a_line_outside_the_period_does_not_count():
    current = [line("rent-1", 1, 1, "-1200.00", "SO LANDLORD PROPERTIES", year=2025)]
    assert expected(RENT, current)[0].counterparty == "LANDLORD PROPERTIES"


def test_a_different_amount_from_the_same_counterparty_is_not_the_line():
    current = [line("rent-12", 12, 1, "-900.00", "SO LANDLORD PROPERTIES 0412")]
    assert [e.counterparty for e in expected(RENT, current)] == ["LANDLORD PROPERTIES"]


def test_the_same_amount_with_the_other_sign_is_not_the_line():
    current = [line("refund", 12, 1, "1200.00", "LANDLORD PROPERTIES REFUND")]
    assert [e.counterparty for e in expected(RENT, current)] == ["LANDLORD PROPERTIES"]


def test_the_same_amount_to_someone_else_is_not_the_line():
    current = [line("other", 12, 1, "-1200.00", "SO HARBOUR ESTATES")]
    assert [e.counterparty for e in expected(RENT, current)] == ["LANDLORD PROPERTIES"]


# -- what is not a series ------------------------------------------------------------------


def test_a_series_seen_in_only_two_of_the_three_months_is_not_listed():
    history = monthly("gym", "DD PUREGYM", "-24.99", [(10, 3), (11, 3)])
    assert expected(history, []) == []


def test_a_gap_in_the_middle_month_is_not_a_series():
    history = monthly("gym", "DD PUREGYM", "-24.99", [(9, 3), (11, 3)])
    history += monthly("gym-old", "DD PUREGYM", "-24.99", [(8, 3), (7, 3)])
    assert expected(history, []) == []


def test_weekly_card_payments_are_not_listed():
    assert expected(TESCO, []) == []


def test_a_chance_run_of_similar_amounts_among_weekly_card_payments_is_not_a_series():
    # Fridays; 12.00, 13.00 and 11.00 within 4 days of the 8th, the others far apart.
    amounts = ["12.00", "80.00", "35.00", "150.00", "90.00", "13.00", "200.00", "40.00"]
    amounts += ["60.00", "11.00", "170.00", "95.00", "30.00"]
    fridays = [on(9, 6) + datetime.timedelta(weeks=n) for n in range(13)]
    history = [
        Line(f"c{n}", d, -D(a), "CARD PAYMENT TO CORNER SHOP")
        for n, (d, a) in enumerate(zip(fridays, amounts, strict=True))
    ]
    assert expected(history, []) == []
    assert [e.seen for e in expected(history[:1] + history[5:6] + history[9:10], [])] == [
        (on(9, 6), on(10, 11), on(11, 8))
    ]


def test_a_weekly_payment_of_the_same_amount_is_not_listed():
    fridays = [on(9, 6) + datetime.timedelta(weeks=n) for n in range(13)]
    history = [Line(f"w{n}", d, D("-15.00"), "SO CLEANER") for n, d in enumerate(fridays)]
    assert expected(history, []) == []


def test_twice_monthly_payments_of_one_amount_are_not_a_monthly_series():
    history = monthly("a", "SO CLEANER", "-60.00", [(9, 1), (10, 1), (11, 1)])
    history += monthly("b", "SO CLEANER", "-60.00", [(9, 15), (10, 15), (11, 15)])
    assert expected(history, []) == []


def test_amounts_too_far_apart_are_not_a_series():
    history = [
        line("a", 9, 5, "-100.00", "DD ENERGY CO"),
        line("b", 10, 5, "-140.00", "DD ENERGY CO"),
        line("c", 11, 5, "-100.00", "DD ENERGY CO"),
    ]
    assert expected(history, []) == []


def test_days_too_far_apart_are_not_a_series():
    history = monthly("x", "DD ENERGY CO", "-100.00", [(9, 5), (10, 12), (11, 5)])
    assert expected(history, []) == []


def test_the_small_amounts_tolerance_is_five_pounds():
    history = [
        line("a", 9, 5, "-20.00", "DD PHONE CO"),
        line("b", 10, 5, "-24.90", "DD PHONE CO"),
        line("c", 11, 5, "-20.00", "DD PHONE CO"),
    ]
    assert [e.typical_amount for e in expected(history, [])] == [D("-20.00")]
    came = [line("d", 12, 5, "-15.10", "DD PHONE CO")]
    assert expected(history, came) == []
    too_small = [line("d", 12, 5, "-14.99", "DD PHONE CO")]
    assert len(expected(history, too_small)) == 1


def test_lines_before_the_three_prior_months_are_ignored():
    history = monthly("gym", "DD PUREGYM", "-24.99", [(6, 3), (7, 3), (8, 3), (9, 3), (10, 3)])
    assert expected(history, []) == []


def test_a_line_with_no_name_is_not_a_series():
    history = monthly("x", "DD 123456", "-50.00", [(9, 5), (10, 5), (11, 5)])
    assert expected(history, []) == []


def test_the_reference_names_the_line_when_the_text_is_empty():
    history = [line(f"r{m}", m, 5, "-50.00", "", "ACME HOSTING 7781") for m in (9, 10, 11)]
    assert [e.counterparty for e in expected(history, [])] == ["ACME HOSTING"]


# -- receipts, sides and names -------------------------------------------------------------


def test_a_missing_receipt_series_is_listed_with_its_side():
    history = monthly("t", "Rent received - J Smith flat 2", "950.00", [(9, 3), (10, 3), (11, 4)])
    assert expected(history, [], side="ledger") == [
        Expected(
            counterparty="RENT RECEIVED J SMITH FLAT",
            typical_amount=D("950.00"),
            usual_day=3,
            side="ledger",
            seen=(on(9, 3), on(10, 3), on(11, 4)),
            reason=(
                "received on about the 3rd in each of September, October and November"
                " (950.00); nothing like it in December"
            ),
        )
    ]


def test_payments_and_receipts_of_one_counterparty_are_separate_series():
    receipts = [
        line(f"in-{m}-{d}", m, d, f"{d * 10}.00", "LANDLORD PROPERTIES")
        for m in (9, 10, 11)
        for d in (5, 12, 19)
    ]
    assert [(e.counterparty, e.typical_amount) for e in expected(RENT + receipts, [])] == [
        ("LANDLORD PROPERTIES", D("-1200.00"))
    ]


def test_text_variants_of_one_counterparty_are_grouped():
    history = [
        line("g9", 9, 12, "-64.00", "DD BRITISH GAS 123456"),
        line("g10", 10, 12, "-64.00", "BRITISH GAS PLC DD 987654"),
        line("g11", 11, 13, "-66.50", "DD BRITISH GAS 555123"),
    ]
    result = expected(history, [])
    assert [(e.counterparty, e.typical_amount, e.usual_day, e.seen) for e in result] == [
        ("BRITISH GAS", D("-64.00"), 12, (on(9, 12), on(10, 12), on(11, 13)))
    ]
    came = [line("g12", 12, 12, "-64.00", "BRITISH GAS PLC DD 987654")]
    assert expected(history, came) == []


def test_two_series_of_one_counterparty_are_told_apart_by_amount():
    history = RENT + monthly(
        "store", "LANDLORD PROPERTIES", "-150.00", [(9, 20), (10, 20), (11, 20)]
    )
    current = [line("rent-12", 12, 2, "-1200.00", "SO LANDLORD PROPERTIES 0412")]
    assert [
        (e.counterparty, e.typical_amount, e.usual_day) for e in expected(history, current)
    ] == [("LANDLORD PROPERTIES", D("-150.00"), 20)]


def test_counterparty_key_drops_bank_words_dates_and_references():
    assert counterparty_key("CARD PAYMENT TO TESCO STORES 3297 ON 14 MAR") == "TESCO STORES"
    assert counterparty_key("DD BRITISH GAS 123456") == "BRITISH GAS"
    assert counterparty_key("FPS Rent Nov-24 REF:INV1042") == "RENT"
    assert counterparty_key("12/03/2025 STANDING ORDER") == ""


# -- month ends ----------------------------------------------------------------------------


def test_the_last_day_of_february_is_the_last_day_of_the_month():
    history = [
        line("s12", 12, 31, "-300.00", "SO SAVINGS POT", year=2024),
        line("s1", 1, 31, "-300.00", "SO SAVINGS POT", year=2025),
        line("s2", 2, 28, "-300.00", "SO SAVINGS POT", year=2025),
    ]
    march = (on(3, 1, 2025), on(3, 31, 2025))
    assert expected(history, [], period=march) == [
        Expected(
            counterparty="SAVINGS POT",
            typical_amount=D("-300.00"),
            usual_day=31,
            side="bank",
            seen=(on(12, 31, 2024), on(1, 31, 2025), on(2, 28, 2025)),
            reason=(
                "paid on the last day of each of December, January and February (300.00);"
                " nothing like it in March"
            ),
        )
    ]
    came = [line("s3", 3, 31, "-300.00", "SO SAVINGS POT", year=2025)]
    assert expected(history, came, period=march) == []


def test_a_series_on_the_31st_is_due_on_the_28th_in_february():
    history = monthly("s", "SO SAVINGS POT", "-300.00", [(11, 30), (12, 31)])
    history += monthly("s", "SO SAVINGS POT", "-300.00", [(1, 31)], year=2025)
    february = (on(2, 1, 2025), on(2, 28, 2025))
    assert expected(history, [], as_of=on(2, 27, 2025), period=february) == []
    (pot,) = expected(history, [], period=february)
    assert (pot.usual_day, pot.reason) == (
        31,
        "paid on the last day of each of November, December and January (300.00);"
        " nothing like it in February",
    )
    came = [line("s2", 2, 28, "-300.00", "SO SAVINGS POT", year=2025)]
    assert expected(history, came, period=february) == []


# -- mid-month reconciliations -------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "listed"),
    [
        (on(12, 1), []),
        (on(12, 4), []),
        (on(12, 5), ["LANDLORD PROPERTIES"]),
        (on(12, 10), ["LANDLORD PROPERTIES"]),
        (on(12, 11), ["LANDLORD PROPERTIES", "XERO UK"]),
        (on(12, 18), ["LANDLORD PROPERTIES", "XERO UK"]),
        (on(12, 19), ["LANDLORD PROPERTIES", "XERO UK", "FUNDING CIRCLE LOAN"]),
        (on(12, 30), ["LANDLORD PROPERTIES", "XERO UK", "FUNDING CIRCLE LOAN"]),
        (on(12, 31), ["LANDLORD PROPERTIES", "XERO UK", "FUNDING CIRCLE LOAN", "PAYROLL"]),
        (on(1, 15, 2025), ["LANDLORD PROPERTIES", "XERO UK", "FUNDING CIRCLE LOAN", "PAYROLL"]),
    ],
)
def test_before_the_period_ends_only_series_past_their_day_and_grace_are_listed(as_of, listed):
    assert [e.counterparty for e in expected(HISTORY, [], as_of=as_of)] == listed


def test_a_mid_month_reason_says_how_far_the_period_has_been_checked():
    (rent,) = expected(RENT, [], as_of=on(12, 10))
    assert rent.reason == (
        "paid on about the 1st in each of September, October and November (1,200.00);"
        " nothing like it in December up to 10 December"
    )


def test_a_period_that_is_not_a_calendar_month_is_named_by_its_dates():
    history = monthly("gym", "DD PUREGYM", "-24.99", [(9, 20), (10, 20), (11, 20)])
    period = (on(12, 15), on(1, 14, 2025))
    (gym,) = expected(history, [], period=period)
    assert gym.reason.endswith("; nothing like it in 15 December to 14 January")


def test_a_series_whose_day_is_not_in_a_short_period_is_not_expected_there():
    period = (on(12, 10), on(12, 20))
    assert expected(RENT, [], period=period) == []


def test_an_unknown_side_is_refused():
    with pytest.raises(ValueError, match="side must be 'bank' or 'ledger', not 'both'"):
        expected(RENT, [], side="both")


# -- speed ---------------------------------------------------------------------------------


def _generated_book(seed: int):
    """Three months of 3,000 bank lines each and a fourth month: 150 monthly series among
    weekly shops and one-off payments to 2,000 names."""
    rng = random.Random(seed)
    words = ["".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVW") for _ in range(7)) for _ in range(2600)]
    names = [f"{words[n]} {words[n + 1]}" for n in range(0, 2600, 2)]
    series = [
        (names[n], D(rng.randint(1000, 200000)) / 100, rng.randint(1, 28)) for n in range(150)
    ]
    history, current = [], []
    for month in (8, 9, 10, 11, 12):
        lines = []
        for name, amount, day in series:
            if month == 12 and name in {series[n][0] for n in range(0, 150, 10)}:
                continue  # 15 series do not come in December
            lines.append(line(f"s{month}-{name}", month, day, -amount, f"DD {name} {day}{month}"))
        while len(lines) < 3000:
            name = rng.choice(names[150:])
            amount = D(rng.randint(100, 50000)) / 100
            lines.append(
                line(f"o{month}-{len(lines)}", month, rng.randint(1, 28), -amount, f"CARD {name}")
            )
        (history if month < 12 else current).extend(lines)
    return history, current, {series[n][0] for n in range(0, 150, 10)}


def test_three_months_of_three_thousand_lines_take_well_under_half_a_second():
    history, current, missing = _generated_book(11)
    timings = []
    for _ in range(3):  # the best of three: a busy CI machine must not fail it by chance
        start = time.perf_counter()
        result = expected(history, current)
        timings.append(time.perf_counter() - start)
    elapsed = min(timings)
    assert {e.counterparty for e in result} >= missing
    assert len(result) <= 20
    assert elapsed < 0.5, f"took {elapsed:.3f} s"
