"""VAT returns as the accounting systems export them (Xero's, QuickBooks Online's, Sage's, a plain
box-and-amount table), VAT detail exports, and files that are not VAT returns."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reporting.vat_return import VatReturnError, box_from_description, period_in, read_vat_return

FILES = Path(__file__).parent / "files" / "vat"
OCTOBER_1 = datetime.date(2026, 10, 1)
DECEMBER_31 = datetime.date(2026, 12, 31)

# The same quarter's books in every layout.
SAME_BOOKS = {
    1: Decimal("4600.00"),
    2: Decimal("0.00"),
    3: Decimal("4600.00"),
    4: Decimal("1840.00"),
    5: Decimal("2760.00"),
    6: Decimal("25000.00"),
    7: Decimal("9700.00"),
    8: Decimal("0.00"),
    9: Decimal("0.00"),
}
# What a detail export of those books builds: boxes 2, 8 and 9 are not built from transactions.
FROM_DETAIL = {box: SAME_BOOKS[box] for box in (1, 3, 4, 5, 6, 7)}


def read(name: str, as_name: str | None = None):
    return read_vat_return((FILES / name).read_bytes(), as_name or name)


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("xero_vat_return_2026-q4.csv", "Xero VAT return"),
        ("quickbooks_vat_return_2026-q4.csv", "QuickBooks VAT return"),
        ("sage_vat_return_2026-q4.csv", "Sage VAT return"),
        ("generic_box_amount_2026-q4.csv", "generic VAT return"),
    ],
)
def test_each_return_layout_reads_the_same_nine_boxes(name, layout):
    result = read(name)
    assert result.layout == layout
    assert result.boxes == SAME_BOOKS
    assert result.rejected == []
    assert result.problems() == []
    assert not result.is_detail


@pytest.mark.parametrize(
    "name",
    [
        "xero_vat_return_2026-q4.csv",
        "quickbooks_vat_return_2026-q4.csv",
        "sage_vat_return_2026-q4.csv",
    ],
)
def test_the_period_is_read_from_the_title_rows(name):
    result = read(name)
    assert (result.period_start, result.period_end) == (OCTOBER_1, DECEMBER_31)


def test_a_table_without_a_title_has_no_period():
    result = read("generic_box_amount_2026-q4.csv")
    assert (result.period_start, result.period_end) == (None, None)


def test_each_box_remembers_the_row_it_was_read_from():
    result = read("sage_vat_return_2026-q4.csv")
    assert result.box_rows == {box: box + 5 for box in range(1, 10)}


def test_box_numbers_in_the_first_column_with_a_repayment_in_brackets():
    result = read("generic_repayment_2026-q3.csv")
    assert result.layout == "generic VAT return"
    assert result.boxes[4] == Decimal("1300.00")
    assert result.boxes[5] == Decimal("-300.00")  # a repayment, printed negative
    assert result.problems() == []
    assert (result.period_start, result.period_end) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
    )


def test_a_xero_return_saved_as_excel_reads_numbers_and_date_cells():
    rows = [
        ["VAT Return"],
        ["Harbour Demo Ltd"],
        ["From", datetime.datetime(2026, 10, 1), "To", datetime.datetime(2026, 12, 31)],
        [],
        ["VAT due in the period on sales and other outputs", 4600],
        [
            "VAT due in the period on acquisitions of goods made in Northern Ireland from EU "
            "Member States",
            0,
        ],
        ["Total VAT due", 4600.0],
        ["VAT reclaimed in the period on purchases and other inputs", 1840.0],
        ["Net VAT to pay to HMRC or reclaim", 2760],
        ["Total value of sales and all other outputs excluding any VAT", 25000],
        ["Total value of purchases and all other inputs excluding any VAT", 9700],
        [
            "Total value of all supplies of goods and related costs, excluding any VAT, to EU "
            "Member States",
            0,
        ],
        [
            "Total value of all acquisitions of goods and related costs, excluding any VAT, "
            "from EU Member States",
            0,
        ],
    ]
    result = read_vat_return(xlsx(rows), "Xero VAT Return.xlsx")
    assert result.layout == "Xero VAT return"
    assert result.boxes == SAME_BOOKS
    assert (result.period_start, result.period_end) == (OCTOBER_1, DECEMBER_31)
    assert result.problems() == []


@pytest.mark.parametrize(
    ("name", "layout", "excluded"),
    [
        ("xero_vat_audit_2026-q4.csv", "Xero VAT detail", 2),
        ("sage_vat_detail_2026-q4.csv", "Sage VAT detail", 1),
    ],
)
def test_a_detail_export_builds_the_boxes_from_its_transactions(name, layout, excluded):
    result = read(name)
    assert result.layout == layout
    assert result.is_detail
    assert result.boxes == FROM_DETAIL
    assert result.transactions == 10
    assert result.excluded == excluded  # "No VAT" and T9 rows are not on the return
    assert result.rejected == []
    assert result.problems() == []
    assert (result.period_start, result.period_end) == (OCTOBER_1, DECEMBER_31)


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("xero_vat_audit_2026-q4.csv", "Xero VAT detail"),  # its tax rate names
        ("sage_vat_detail_2026-q4.csv", "Sage VAT detail"),  # its T codes
        ("quickbooks_vat_return_2026-q4.csv", "QuickBooks VAT return"),  # its basis footer
        ("xero_vat_return_2026-q4.csv", "generic VAT return"),  # nothing says Xero
    ],
)
def test_the_system_is_recognised_without_its_name_in_the_file_name(name, layout):
    assert read(name, as_name="export.csv").layout == layout


def test_quickbooks_vat_codes_and_transaction_types_say_sale_or_purchase():
    data = (
        b"Harbour Demo Ltd\n"
        b"VAT Detail Report\n"
        b'"October - December, 2026"\n'
        b"\n"
        b"Date,Transaction Type,No.,Name,VAT Code,Net Amount,VAT Amount\n"
        b'05/10/2026,Invoice,1001,Harbour Cafe Ltd,20.0% S,"10,000.00","2,000.00"\n'
        b"15/12/2026,Credit Note,1002,Harbour Cafe Ltd,20.0% S,-500.00,-100.00\n"
        b'18/12/2026,Invoice,1003,Export customer,0.0% Z,"1,000.00",0.00\n'
        b'01/10/2026,Bill,R-Q4,Quay Properties,20.0% S,"3,000.00",600.00\n'
        b"20/10/2026,Supplier Credit,S-9,Stockists Ltd,20.0% S,100.00,20.00\n"
        b"30/11/2026,Expense,,Harbour Insurers,Exempt,200.00,0.00\n"
        b"31/12/2026,Expense,,Bank transfer,No VAT,999.00,0.00\n"
        b"\n"
        b'"Accrual basis Tuesday, 5 January 2027 10:15 AM GMT"\n'
    )
    result = read_vat_return(data, "VAT Detail.csv")
    assert result.layout == "QuickBooks VAT detail"
    assert result.boxes == {
        1: Decimal("1900.00"),
        3: Decimal("1900.00"),
        4: Decimal("580.00"),  # the supplier credit, printed positive, reduces it
        5: Decimal("1320.00"),
        6: Decimal("10500.00"),
        7: Decimal("3100.00"),
    }
    assert (result.transactions, result.excluded) == (6, 1)
    assert (result.period_start, result.period_end) == (OCTOBER_1, DECEMBER_31)


def test_a_sales_or_purchases_column_and_a_reverse_charge():
    data = (
        b"Date,Sales/Purchases,Tax Rate,Net,VAT,Gross\n"
        b"05/10/2026,Sales,Standard 20% S,100.00,20.00,120.00\n"
        b"06/10/2026,Purchases,Zero rated purchases,50.00,0.00,50.00\n"
        b"07/10/2026,Purchases,Standard 20% S,,10.00,60.00\n"
        b"08/10/2026,,Reverse Charge Expenses (20%),200.00,40.00,200.00\n"
    )
    result = read_vat_return(data, "vat.csv")
    assert result.layout == "Xero VAT detail"  # "Reverse Charge Expenses" is Xero's rate
    # The third row has no net: gross less VAT. The reverse charge's VAT is due and reclaimed.
    assert result.boxes == {
        1: Decimal("60.00"),
        3: Decimal("60.00"),
        4: Decimal("50.00"),
        5: Decimal("10.00"),
        6: Decimal("100.00"),
        7: Decimal("300.00"),
    }


def test_detail_rows_that_cannot_be_placed_are_rejected_with_their_reason():
    data = (
        b"Date,Type,Tax Code,Net,VAT\n"
        b"05/10/2026,SI,T1,100.00,20.00\n"
        b"06/10/2026,Journal,T1,50.00,10.00\n"
        b"07/10/2026,PI,EC Acquisitions (20%),80.00,16.00\n"
        b"08/10/2026,PI,T1,abc,2.00\n"
    )
    result = read_vat_return(data, "vat.csv")
    assert result.boxes[1] == Decimal("20.00") and result.transactions == 1
    assert [(r.row, r.reason) for r in result.rejected] == [
        (
            3,
            "neither its tax rate, section nor transaction type says whether it is a sale or "
            "a purchase",
        ),
        (
            4,
            "EC acquisitions and dispatches (boxes 2, 8 and 9) are not built from a detail "
            "export: use the VAT Return report",
        ),
        (5, "'abc' is not an amount"),
    ]
    assert result.problems()[0].startswith("3 rows were not read (row 3: neither its tax rate")


def test_box_3_that_is_not_box_1_plus_box_2_is_a_problem():
    data = (
        (FILES / "xero_vat_return_2026-q4.csv")
        .read_text()
        .replace('Total VAT due,"£4,600.00"', 'Total VAT due,"£4,650.00"')
    )
    result = read_vat_return(data.encode(), "vat.csv")
    assert result.boxes[3] == Decimal("4650.00")
    assert result.problems()[0] == (
        "Box 3 (total VAT due) is 4,650.00, but box 1 + box 2 = 4,600.00: a difference of 50.00."
    )


def test_box_5_that_is_not_the_difference_of_boxes_3_and_4_is_a_problem():
    data = (FILES / "generic_box_amount_2026-q4.csv").read_text().replace("5,2760.00", "5,2760.01")
    result = read_vat_return(data.encode(), "vat.csv")
    assert result.problems() == [
        "Box 5 (net VAT) is 2,760.01, but the difference between box 3 (4,600.00) and box 4 "
        "(1,840.00) is 2,760.00."
    ]


def test_a_box_5_of_the_wrong_sign_is_a_problem():
    data = (FILES / "generic_box_amount_2026-q4.csv").read_text().replace("5,2760.00", "5,-2760")
    assert read_vat_return(data.encode(), "vat.csv").problems() == [
        "Box 5 (net VAT) is -2,760.00, but the difference between box 3 (4,600.00) and box 4 "
        "(1,840.00) is 2,760.00."
    ]


def test_box_rows_that_cannot_be_read_are_rejected_and_a_second_box_1_too():
    data = b"Box,Amount\n1,100.00\n1,120.00\n1,100.00\n2,n/a\n3,100.00\n"
    result = read_vat_return(data, "vat.csv")
    assert result.boxes == {1: Decimal("100.00"), 3: Decimal("100.00")}
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "box 1 is on row 2 already, as 100.00"),
        (5, "box 2: 'n/a' is not an amount"),
    ]
    assert result.problems() == [
        "2 rows were not read (row 3: box 1 is on row 2 already, as 100.00; "
        "row 5: box 2: 'n/a' is not an amount)."
    ]


@pytest.mark.parametrize(
    ("text", "box"),
    [
        ("VAT due in the period on sales and other outputs", 1),
        ("VAT DUE IN THIS PERIOD ON SALES & OTHER OUTPUTS:", 1),
        ("VAT due on sales", 1),
        ("VAT due in the period on acquisitions of goods made in Northern Ireland from EU", 2),
        ("VAT due in this period on acquisitions from other EC Member States", 2),
        ("Total VAT due (the sum of boxes 1 and 2)", 3),
        ("VAT reclaimed in the period on purchases and other inputs (including acquisitions)", 4),
        ("Net VAT to pay to HMRC or reclaim", 5),
        ("Net VAT to be paid to HMRC or reclaimed by you (Difference between boxes 3 and 4)", 5),
        ("Total value of sales and all other outputs excluding any VAT. Include box 8", 6),
        ("Total value of purchases and all other inputs excluding any VAT", 7),
        ("Total value of all supplies of goods and related costs, excluding any VAT, to EU", 8),
        ("Total value of dispatches of goods (excluding VAT) from Northern Ireland to EU", 8),
        ("Total value of all acquisitions of goods and related costs, excluding any VAT", 9),
        ("totalValuePurchasesExVAT", 7),
        ("vatReclaimedCurrPeriod", 4),
        ("VAT Return", None),
        ("Sales", None),
        ("Total", None),
    ],
)
def test_hmrc_box_descriptions_in_any_wording_case_and_punctuation(text, box):
    assert box_from_description(text) == box


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [
        ("For the period 1 October 2026 to 31 December 2026", (2026, 10, 1), (2026, 12, 31)),
        ("Oct - Dec 2026", (2026, 10, 1), (2026, 12, 31)),
        ("October-December, 2026", (2026, 10, 1), (2026, 12, 31)),
        ("01/10/2026 - 31/12/2026", (2026, 10, 1), (2026, 12, 31)),
        ("1 Nov – 31 Jan 2027", (2026, 11, 1), (2027, 1, 31)),
        ("Nov 2026 - Jan 2027", (2026, 11, 1), (2027, 1, 31)),
        ("February 1, 2027 - April 30, 2027", (2027, 2, 1), (2027, 4, 30)),
        ("From 2026-10-01 to 2026-12-31", (2026, 10, 1), (2026, 12, 31)),
        ("Quarter ending 31 December 2026", None, (2026, 12, 31)),
        ("Period end: 31/12/2026", None, (2026, 12, 31)),
        ("VAT Return", None, None),
        ("31/02/2026 - 31/03/2026", None, None),
    ],
)
def test_the_period_in_a_title(title, start, end):
    expected = tuple(datetime.date(*d) if d else None for d in (start, end))
    assert period_in(title) == expected
    data = f'"{title}"\nBox,Amount\n1,10.00\n'.encode()
    result = read_vat_return(data, "vat.csv")
    assert (result.period_start, result.period_end) == expected


def test_a_file_that_is_not_a_vat_return_is_refused():
    data = (Path(__file__).parent / "files" / "sage50_2026-11.csv").read_bytes()
    with pytest.raises(VatReturnError) as error:
        read_vat_return(data, "tb.csv")
    assert str(error.value).startswith(
        "tb.csv: this does not look like a VAT return: no box 1–9 rows were found"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\n...", "vat.pdf: this is a PDF, not a spreadsheet"),
        (b"", "vat.pdf: the file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "vat.pdf: this is an old Excel 97-2003"),
        (b"Date,Description,Amount\n01/10/2026,Coffee,2.50\n", "vat.pdf: this does not look"),
    ],
)
def test_files_that_are_not_tables_of_boxes_say_so(data, message):
    with pytest.raises(VatReturnError) as error:
        read_vat_return(data, "vat.pdf")
    assert str(error.value).startswith(message)
    assert isinstance(error.value, ValueError)


def test_a_detail_header_with_no_readable_rows_is_refused():
    with pytest.raises(VatReturnError, match="no transaction under the VAT detail header on row 1"):
        read_vat_return(b"Date,Type,Net,VAT\n\nTotal,,0.00,0.00\n", "vat.csv")


def test_a_detail_export_whose_rows_are_all_rejected_says_why():
    result = read_vat_return(b"Date,Type,Net,VAT\n05/10/2026,Journal,100.00,20.00\n", "vat.csv")
    assert result.transactions == 0
    assert result.problems()[0].startswith("1 row was not read (row 2: neither its tax rate")


def test_a_detail_report_grouped_by_box_is_refused():
    data = (
        b"Date,Type,Net,VAT\n"
        b"Box 1 VAT due in the period on sales and other outputs\n"
        b"05/10/2026,Invoice,100.00,20.00\n"
    )
    with pytest.raises(VatReturnError, match="vat.csv, row 2: this VAT detail report is grouped"):
        read_vat_return(data, "vat.csv")
