"""A bookkeeper imports a client's trial balances, maps what the defaults do not place, and
reads the management accounts: through the views, as a user does."""

import base64
import datetime
import html

from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.models import (
    AccountMapping,
    ReportingSettings,
    TrialBalance,
    TrialBalanceColumns,
    TrialBalanceLine,
)
from tests.helpers import standard_pack
from tests.reporting.helpers import FILES, IN_DECEMBER, NOVEMBER, save, upload  # noqa: F401


def stored(practice):
    with practice_context(practice.pk):
        return (
            list(
                TrialBalance.objects.order_by("period", "version").values_list(
                    "period", "version", "is_current", "account_count"
                )
            ),
            TrialBalanceLine.objects.count(),
        )


def page(client, harbour, period="2026-11") -> str:
    url = reverse("reporting:accounts", args=[harbour.code]) + f"?period={period}"
    return html.unescape(client.get(url).content.decode())


def test_import_preview_save_and_read_the_accounts(signed_in, practice, harbour):
    preview = upload(signed_in, harbour, "xero_old_2026-10.csv", "2026-10")
    assert preview.status_code == 200
    text = html.unescape(preview.content.decode())
    assert "Read as: Xero · for October 2026 · the file says 31 October 2026" in text
    assert stored(practice) == ([], 0)  # nothing saved by a preview

    response = save(signed_in, harbour, preview, "2026-10")
    assert response.status_code == 302
    save(signed_in, harbour, upload(signed_in, harbour, "xero_old_2026-11.csv"))
    assert stored(practice) == (
        [(datetime.date(2026, 10, 1), 1, True, 16), (NOVEMBER, 1, True, 16)],
        32,
    )

    text = page(signed_in, harbour)
    assert "Management accounts · November 2026" in text
    assert "year to date from 1 April 2026" in text
    assert "The balance sheet balances: net assets 23,770.00." in text
    assert "Profit for the month (2,720.00) is the movement in reserves." in text
    assert "No trial balance for October 2025, November 2025, September 2026" in text
    assert '<tr class="" data-line="turnover">' in text
    turnover = text.split('data-line="turnover">', 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">")[-1] for cell in turnover.split("</td>")[:4]] == [
        "10,000.00",
        "",  # October's month needs September: a dash
        "",
        "80,000.00",
    ]
    assert "60.0 %" in text and "35.1 days" in text and "3.8 : 1" in text


def test_a_month_without_a_trial_balance_says_so(signed_in, harbour):
    text = page(signed_in, harbour, "2026-08")
    assert "No trial balance for August 2026 yet" in text


def test_importing_a_month_again_keeps_the_earlier_version(signed_in, practice, harbour):
    save(signed_in, harbour, upload(signed_in, harbour, "xero_old_2026-11.csv"))
    save(signed_in, harbour, upload(signed_in, harbour, "xero_new_2026-11.csv"))
    trial_balances, lines = stored(practice)
    assert trial_balances == [(NOVEMBER, 1, False, 16), (NOVEMBER, 2, True, 16)]
    assert lines == 32
    with practice_context(practice.pk):
        old = TrialBalance.objects.get(version=1)
    assert old.replaced_at == IN_DECEMBER
    text = html.unescape(signed_in.get(old.get_absolute_url()).content.decode())
    assert "version 1 (replaced 7 Dec 2026 09:30)" in text
    assert "Versions of November 2026" in text


def test_a_trial_balance_that_does_not_balance_is_refused(signed_in, practice, harbour):
    data = (FILES / "sage50_2026-11.csv").read_bytes().replace(b"26270.00", b"26207.00")
    preview = upload(signed_in, harbour, "tb.csv", content=data)
    text = html.unescape(preview.content.decode())
    assert (
        "The trial balance does not balance: debits 103,947.00, credits 104,010.00, a "
        "difference of 63.00." in text
    )
    assert "Save the trial balance" not in text
    response = save(signed_in, harbour, preview)  # pressed anyway (an old tab, a script)
    assert "does not balance" in html.unescape(response.content.decode())
    assert stored(practice) == ([], 0)


def test_a_file_that_is_not_a_trial_balance_gets_a_clear_message(signed_in, practice, harbour):
    response = upload(signed_in, harbour, "tb.pdf", content=b"%PDF-1.4 ...")
    assert response.status_code == 400
    assert "this is a PDF, not a spreadsheet: download it as CSV or Excel" in (
        response.content.decode()
    )
    assert stored(practice) == ([], 0)


def test_a_bad_month_is_a_form_error(signed_in, practice, harbour):
    response = upload(signed_in, harbour, "xero_old_2026-11.csv", period="2026-13")
    assert response.status_code == 400
    assert "Enter a month as YYYY-MM, such as 2026-11." in response.content.decode()
    assert stored(practice) == ([], 0)


def test_a_spreadsheet_of_its_own_shape_is_read_by_the_columns_chosen(signed_in, practice, harbour):
    data = b"Ref,Description,Closing\n1200,Bank,150.00\n4000,Sales,-150.00\n"
    response = upload(signed_in, harbour, "export.csv", content=data)
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "no header row with debit and credit (or balance) columns" in text
    assert "<td>Description</td>" in text  # the file's first rows, to choose from

    preview = signed_in.post(
        reverse("reporting:import", args=[harbour.code]),
        {
            "step": "columns",
            "data": base64.b64encode(data).decode(),
            "filename": "export.csv",
            "period": "2026-11",
            "code": "Ref",
            "name": "Description",
            "balance": "Closing",
        },
    )
    assert preview.status_code == 200
    assert save(signed_in, harbour, preview).status_code == 302
    with practice_context(practice.pk):
        assert TrialBalanceColumns.objects.get(client=harbour).columns["balance"] == "Closing"
        assert TrialBalance.objects.get().layout == "mapped"
    # The next file of that shape is read with the saved columns, no questions asked.
    again = upload(signed_in, harbour, "december.csv", period="2026-12", content=data)
    assert again.status_code == 200 and again.context["read"].layout == "mapped"


def test_mapping_unmapped_accounts_with_suggestions_and_in_bulk(signed_in, practice, harbour):
    harbour.accounting_system = "quickbooks"
    with practice_context(practice.pk):
        harbour.save()
    save(signed_in, harbour, upload(signed_in, harbour, "quickbooks_2026-11.csv"))
    text = page(signed_in, harbour)
    assert "16 accounts with a balance are not mapped to a report line" in text

    url = reverse("reporting:mapping", args=[harbour.code])
    mapping_page = html.unescape(signed_in.get(url).content.decode())
    assert "16 accounts with a balance are not mapped" in mapping_page
    assert "Accept the 16 suggestions" in mapping_page

    signed_in.post(url, {"action": "bulk", "pick": ["1000", "1100"], "line": "debtors"})
    signed_in.post(url, {"action": "one", "account": "1000", "line": "cash"})
    response = signed_in.post(url, {"action": "bulk", "pick": [], "line": "cash"})
    assert "Tick the accounts to map first." in response.content.decode()
    signed_in.post(url, {"action": "suggestions"})
    with practice_context(practice.pk):
        chosen = dict(AccountMapping.objects.values_list("account_key", "line"))
    assert len(chosen) == 16
    assert (chosen["1000"], chosen["1100"], chosen["2700"]) == (
        "cash",
        "debtors",
        "creditors_after_year",
    )
    text = page(signed_in, harbour)
    assert "The balance sheet balances: net assets 23,770.00." in text
    assert "not mapped to a report line" not in text


def test_the_pack_prepare_stage_shows_the_trial_balance(signed_in, practice, harbour):
    pack = standard_pack(practice, harbour, now=IN_DECEMBER)
    assert pack.period == NOVEMBER
    text = html.unescape(signed_in.get(pack.get_absolute_url()).content.decode())
    assert "No trial balance for November 2026 yet." in text
    data = (FILES / "xero_old_2026-11.csv").read_bytes()
    data = data.replace(b"Rent (469)", b"Rent (Z99)").replace(b"\nExpenses\n", b"\nCosts\n")
    save(signed_in, harbour, upload(signed_in, harbour, "tb.csv", content=data))
    text = html.unescape(signed_in.get(pack.get_absolute_url()).content.decode())
    assert "Trial balance for November 2026: " in text
    assert "1 account with a balance is not mapped" in text


def test_tampered_hidden_fields_get_a_message_not_an_error(signed_in, practice, harbour):
    url = reverse("reporting:import", args=[harbour.code])
    data = base64.b64encode((FILES / "sage50_2026-11.csv").read_bytes()).decode()
    for columns in ("[]", "5", "{not json", '{"balance": 3}'):
        response = signed_in.post(
            url,
            {
                "step": "save",
                "data": data,
                "filename": "tb.csv",
                "period": "2026-11",
                "columns": columns,
            },
        )
        assert response.status_code in (200, 302, 400), columns
    response = signed_in.post(
        url, {"step": "save", "data": "@@@", "period": "2026-11"}, follow=True
    )
    assert "The file was lost on the way: upload it again." in html.unescape(
        response.content.decode()
    )


def test_only_a_reviewer_changes_what_is_material(signed_in, practice, harbour, staff):
    from tests.helpers import signed_in as client_of

    url = reverse("reporting:settings", args=[harbour.code])
    client_of(staff).post(url, {"materiality_amount": "999999", "materiality_percent": "99"})
    with practice_context(practice.pk):
        assert not ReportingSettings.objects.exists()


def test_the_mapping_page_never_sends_you_off_site(signed_in, practice, harbour):
    save(signed_in, harbour, upload(signed_in, harbour, "quickbooks_2026-11.csv"))
    url = reverse("reporting:mapping", args=[harbour.code])
    response = signed_in.post(
        url, {"action": "one", "account": "1000", "line": "cash", "next": "/\\evil.example.com/"}
    )
    assert response["Location"] == url


def test_mapping_one_account_to_no_line_or_a_subtotal_says_so(signed_in, practice, harbour):
    save(signed_in, harbour, upload(signed_in, harbour, "quickbooks_2026-11.csv"))
    url = reverse("reporting:mapping", args=[harbour.code])
    for line in ("", "gross_profit", "nonsense"):
        response = signed_in.post(url, {"action": "one", "account": "1000", "line": line})
        assert "Nothing to map: choose a report line." in html.unescape(response.content.decode())
    with practice_context(practice.pk):
        assert not AccountMapping.objects.exists()
