"""The QIF importer: date orders decided from the file (or asked for), apostrophe years,
splits, several accounts, and the broken files bookkeepers actually upload."""

import contextlib
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciliation.importers import qif
from reconciliation.statements import Account, StatementError, StatementLine

FILES = Path(__file__).parent / "files" / "qif"
GOOD_FILES = [
    "uk_bank_day_first.qif",
    "us_quicken_month_first.qif",
    "multi_account.qif",
    "transactions_before_account.qif",
    "ambiguous_dates.qif",
    "cash_decimal_comma.qif",
]


def data(name: str) -> bytes:
    return (FILES / name).read_bytes()


def read(name: str, day_first: bool | None = None):
    return qif.read(data(name), name, day_first=day_first)


def refusal(name: str, content: bytes | None = None, day_first=None) -> StatementError:
    with pytest.raises(StatementError) as caught:
        qif.read(data(name) if content is None else content, name, day_first=day_first)
    return caught.value


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def one_transaction(date: str, amount: str = "-1.00") -> bytes:
    return f"!Type:Bank\nD{date}\nT{amount}\nPShop\n^\n".encode()


UK_LINES = [
    StatementLine(
        booking_date=d("2012-08-13"),
        amount=Decimal("-1234.56"),
        description="HMRC VAT VAT Q2 2012 ref £123456789",
        counterparty="HMRC VAT",
    ),
    StatementLine(
        booking_date=d("2012-09-02"),
        amount=Decimal("2500.00"),
        description="Acme Widgets Ltd Invoice 1042",
        counterparty="Acme Widgets Ltd",
    ),
    StatementLine(
        booking_date=d("2012-09-05"),
        amount=Decimal("-3.20"),
        description="Café Nero",
        counterparty="Café Nero",
    ),
    StatementLine(
        booking_date=d("2012-09-28"),
        amount=Decimal("-45.00"),
        description="Cheque 100234",
        counterparty="Cheque 100234",
        reference="100234",
    ),
]


def test_uk_bank_file_in_cp1252_with_crlf_is_day_first_by_its_dates():
    [statement] = read("uk_bank_day_first.qif")

    assert statement.lines == UK_LINES
    assert statement.account == Account()
    assert statement.currency == ""
    assert statement.format == "qif"
    assert (statement.opening_balance, statement.closing_balance) == (None, None)
    assert (statement.period_start, statement.period_end) == (d("2012-08-13"), d("2012-09-28"))


def test_quicken_month_first_file_with_apostrophe_years_and_a_split():
    [statement] = read("us_quicken_month_first.qif")

    assert [(line.booking_date, line.amount) for line in statement.lines] == [
        (d("1999-12-30"), Decimal("-12.00")),  # 'D12/30/99': a slash two-digit year
        (d("2003-12-31"), Decimal("-100.00")),  # 'D12/31'2003'
        (d("2004-01-01"), Decimal("1500.00")),  # 'D1/ 1'04', thousands comma in the amount
        (d("2004-03-13"), Decimal("-67.50")),  # a split: one line with the total
        (d("2004-04-02"), Decimal("-25.00")),  # 'D 4/ 2'04'
    ]
    assert [line.description for line in statement.lines] == [
        "Bank fee",
        "Landlord LLC January rent",
        "Paycheck",
        "T-Mobile",
        "Walmart Groceries",
    ]
    # A cheque number is a reference; Quicken's 'ATM' in the same field is not.
    assert [line.reference for line in statement.lines] == ["", "1001", "", "", ""]


def test_several_accounts_with_autoswitch_and_skipped_non_bank_sections():
    current, card, cash = read("multi_account.qif")

    assert current.account == Account(name="Current Account")
    assert [(line.booking_date, line.amount, line.counterparty) for line in current.lines] == [
        (d("2024-01-05"), Decimal("-60.00"), "TESCO"),
        (d("2024-01-20"), Decimal("1000.00"), "SALARY"),
    ]
    assert card.account == Account(name="Visa Card")
    assert [(line.amount, line.counterparty) for line in card.lines] == [
        (Decimal("-19.99"), "AMAZON")
    ]
    assert cash.account == Account(name="Petty cash")
    assert [(line.amount, line.counterparty) for line in cash.lines] == [
        (Decimal("-4.50"), "Stamps")
    ]


def test_transactions_before_the_account_header_go_to_an_unnamed_account():
    unnamed, savings = read("transactions_before_account.qif")

    assert unnamed.account == Account()
    assert unnamed.account.label() == "unknown account"
    assert [(line.booking_date, line.amount) for line in unnamed.lines] == [
        (d("2022-09-23"), Decimal("-184.80")),
        (d("2022-09-08"), Decimal("-13.16")),
    ]
    assert (unnamed.period_start, unnamed.period_end) == (d("2022-09-08"), d("2022-09-23"))
    assert savings.account == Account(name="Savings")
    assert [line.amount for line in savings.lines] == [Decimal("0.42")]


def test_ambiguous_dates_are_refused_naming_the_choice():
    error = refusal("ambiguous_dates.qif")

    assert error.where == "line 2"
    assert error.problem == (
        "the dates do not show their order ('1/ 2/2024' could be 1 February 2024 or "
        "2 January 2024): choose whether they are day first (DD/MM/YY) or month first (MM/DD/YY)"
    )


@pytest.mark.parametrize(
    ("day_first", "dates"),
    [
        (True, [d("2024-02-01"), d("2024-04-03"), d("2024-05-05")]),
        (False, [d("2024-01-02"), d("2024-03-04"), d("2024-05-05")]),
    ],
)
def test_ambiguous_dates_follow_the_order_given(day_first, dates):
    [statement] = read("ambiguous_dates.qif", day_first=day_first)

    assert [line.booking_date for line in statement.lines] == dates


def test_dates_in_both_orders_are_refused():
    error = refusal("mixed_date_orders.qif")

    assert error.where == "lines 2 and 5"
    assert error.problem == (
        "the dates mix day first ('13/01/2024') and month first ('01/14/2024'); "
        "the file cannot be read reliably"
    )


def test_a_given_order_that_the_dates_contradict_is_refused():
    error = refusal("uk_bank_day_first.qif", day_first=False)

    assert error.where == "line 2"
    assert error.problem == "date '13/08/12' is not a valid month first (MM/DD) date"


def test_dates_that_read_the_same_either_way_need_no_order():
    [statement] = qif.read(one_transaction("5/5/2024"), "same.qif")

    assert statement.lines[0].booking_date == d("2024-05-05")


def test_cash_split_without_total_decimal_commas_bom_and_no_final_caret():
    [statement] = read("cash_decimal_comma.qif")

    assert statement.lines == [
        StatementLine(
            booking_date=d("2023-12-24"),
            amount=Decimal("-16.50"),  # the sum of the split amounts
            description="Weihnachtsmarkt Glühwein",
            counterparty="Weihnachtsmarkt",
        ),
        StatementLine(
            booking_date=d("2023-12-31"),
            amount=Decimal("-1234.56"),
            description="Silvester",
            counterparty="Silvester",
        ),
    ]


@pytest.mark.parametrize(
    ("date", "day_first", "expected"),
    [
        ("13/08/12", None, "2012-08-13"),
        ("3/13'03", None, "2003-03-13"),
        ("12/31'2003", None, "2003-12-31"),
        ("1/ 1' 0", True, "2000-01-01"),
        (" 1/ 2/2024", True, "2024-02-01"),
        (" 1/ 2/2024", False, "2024-01-02"),
        ("31.01.2024", None, "2024-01-31"),
        ("01-31-2024", None, "2024-01-31"),
        ("2024-01-31", None, "2024-01-31"),
        ("12/31/69", None, "1969-12-31"),
        ("12/31/68", None, "2068-12-31"),
    ],
)
def test_date_forms(date, day_first, expected):
    [statement] = qif.read(one_transaction(date), "dates.qif", day_first=day_first)

    assert statement.lines[0].booking_date == d(expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("-1,234.56", "-1234.56"),
        ("1,234,567.89", "1234567.89"),
        ("1,234", "1234"),
        ("-1.234,56", "-1234.56"),
        ("12,5", "12.5"),
        ("+7", "7"),
        (".50", "0.50"),
        ("£ 1,000.00", "1000.00"),
    ],
)
def test_amount_forms(amount, expected):
    [statement] = qif.read(one_transaction("2024-01-02", amount), "amounts.qif")

    assert statement.lines[0].amount == Decimal(expected)


UK = data("uk_bank_day_first.qif")


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(UK.replace(b"\r\n", b"\n"), id="lf"),
        pytest.param(UK.replace(b"\r\n", b"\r"), id="cr"),
        pytest.param(UK.decode("cp1252").encode("utf-8"), id="utf8"),
        pytest.param(b"\xef\xbb\xbf" + UK.decode("cp1252").encode("utf-8"), id="utf8-bom"),
        pytest.param(UK.replace(b"!Type:Bank", b"!type:bank  "), id="header-case"),
        pytest.param(UK.replace(b"^\r\n", b"^\r\n\r\n"), id="blank-lines"),
        pytest.param(b"!Option:AutoSwitch\r\n!Clear:AutoSwitch\r\n" + UK, id="options"),
    ],
)
def test_variants_of_the_same_file_read_the_same(variant):
    [statement] = qif.read(variant, "variant.qif")

    assert statement.lines == UK_LINES


@pytest.mark.parametrize("name", GOOD_FILES)
def test_looks_like_recognises_every_good_file(name):
    assert qif.looks_like(data(name)[:4096])


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"OFXHEADER:100\nDATA:OFXSGML\n<OFX>",
        b"Date,Description,Amount\n01/02/2024,Shop,-10.00\n",
        data("login_page.qif"),
        data("garbage.qif"),
    ],
)
def test_looks_like_refuses_other_formats(head):
    assert not qif.looks_like(head[:4096])


def test_amount_that_is_not_a_number_names_the_line():
    error = refusal("bad_amount.qif")

    assert str(error) == "bad_amount.qif, line 6: amount '12.3O' is not a number"


def test_impossible_date_names_the_line():
    error = refusal("bad_date.qif")

    assert (
        str(error)
        == "bad_date.qif, line 5: date '31/02/2024' is not a valid day first (DD/MM) date"
    )


def test_unreadable_date_names_the_line():
    error = refusal("words.qif", one_transaction("yesterday"))

    assert str(error) == "words.qif, line 2: date 'yesterday' is not a date"


def test_transaction_without_amount_is_refused():
    error = refusal("no_amount.qif")

    assert str(error) == "no_amount.qif, line 2: the transaction has no amount (T)"


def test_transaction_without_date_is_refused():
    error = refusal("no-date.qif", b"!Type:Bank\nT-1.00\nPShop\n^\n")

    assert str(error) == "no-date.qif, line 2: the transaction has no date (D)"


def test_file_with_only_investment_transactions_is_refused():
    error = refusal("investment_only.qif")

    assert error.problem == "the file has no bank, cash or credit-card transactions"


def test_empty_file_is_refused():
    assert str(refusal("empty.qif")) == "empty.qif: the file is empty"


def test_binary_garbage_is_refused():
    assert str(refusal("garbage.qif")) == (
        "garbage.qif: this is not a text file (binary data), not QIF"
    )


def test_html_page_saved_as_qif_is_refused():
    error = refusal("login_page.qif")

    assert error.problem == (
        "this is a web page (HTML), not a QIF file: the bank's site probably showed a login or "
        "error page; download the statement again"
    )


def test_text_without_a_qif_header_is_refused():
    error = refusal("notes.qif", b"Date,Amount\n2024-01-02,-1.00\n")

    assert error.problem == "this is not a QIF file: it has no '!Type:' header"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "!Type:Bank",
                "!Account",
                "NCurrent",
                "^",
                "D1/2/24",
                "D13/1'24",
                "D2/14/2024",
                "T-1,0",
                "T12.3O",
                "U5",
                "$-2",
                "PShop",
                "M",
                "Dx",
                "",
                "!Type:Invst",
                "S",
                "D0/0/0",
            ]
        ),
        max_size=30,
    )
)
def test_any_qif_shaped_text_gives_statements_or_a_statement_error(lines):
    with contextlib.suppress(StatementError):
        qif.read("\n".join(lines).encode(), "fuzz.qif")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_statements_or_a_statement_error(content):
    with contextlib.suppress(StatementError):
        qif.read(b"!Type:Bank\n" + content, "fuzz.qif")
