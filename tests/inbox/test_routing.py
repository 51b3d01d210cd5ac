"""The router (issue 12 §4): each kind of evidence, its level and the words staff read, the
conflicts that send a message to triage, and the labelled set's safety. Pure: no database."""

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.routing import Candidate, ClientFacts, Evidence, Level, Rule, decide, rank

VAT_ACME, VAT_KESTREL, VAT_PRACTICE = "123456782", "234567847", "345678912"
IBAN_NORTH = "GB29NWBK60161331926819"  # sort code 60-16-13, account 31926819

ACME = ClientFacts(
    1,
    "Acme Trading Ltd",
    vat_number="GB 123 4567 82",
    company_number="1234567",
    uk_accounts=(("20-00-00", "12345678"),),
    contact_emails=("alice@acme.co.uk",),
)
NORTH = ClientFacts(
    2, "Acme Trading (North) Ltd", ibans=(IBAN_NORTH,), contact_emails=("bob@acme.co.uk",)
)
KESTREL = ClientFacts(
    3,
    "Kestrel Joinery Ltd",
    vat_number=VAT_KESTREL,
    company_number="SC123456",
    contact_emails=("kate@kestreljoinery.co.uk", "dir@gmail.com"),
)
ZEPHYR = ClientFacts(4, "Zephyr Bakery Ltd", contact_emails=("dir@gmail.com", "zed@zephyr.co.uk"))
CLIENTS = [ACME, NORTH, KESTREL, ZEPHYR]
LETTERHEAD = (
    f"Harbour & Co Bookkeeping Ltd, Registered in England No. 09876543, VAT GB{VAT_PRACTICE}"
)


def message(text="", sender="", authenticated=True, address=None) -> Evidence:
    return Evidence(
        address_client_id=address, sender=sender, authenticated=authenticated, text=text
    )


def route(evidence, clients=CLIENTS, rules=()):
    candidates = rank(evidence, clients, list(rules))
    return candidates, decide(candidates)


def by_client(candidates) -> dict[int, Candidate]:
    return {c.client_id: c for c in candidates}


def test_levels_are_ordered_and_stored_by_their_lower_case_names():
    assert Level.SUGGESTION < Level.HIGH < Level.CERTAIN
    assert [level.label for level in Level] == ["suggestion", "high", "certain"]


# -- 1. The client's own address -----------------------------------------------------------


def test_the_clients_own_address_is_certain_and_files():
    candidates, chosen = route(message("Statement attached", "someone@else.com", address=3))
    assert chosen.client_id == 3
    assert chosen.level == Level.CERTAIN
    assert chosen.reasons == ("Sent to the client's own address",)


def test_an_address_of_a_client_the_router_was_not_given_counts_for_nothing():
    candidates, chosen = route(message("Statement attached", address=99))
    assert candidates == [] and chosen is None


def test_at_a_clients_own_address_other_clients_identifiers_are_its_counterparties():
    text = "Invoice from Acme Trading Ltd, VAT Reg No 123 4567 82"
    candidates, chosen = route(message(text, address=3))
    assert chosen.client_id == 3 and chosen.level == Level.CERTAIN
    acme = by_client(candidates)[1]
    assert acme.level == Level.SUGGESTION
    assert acme.reasons[0] == (
        "VAT number GB123456782 in the text, but the message came to another client's own "
        "address: a suggestion only"
    )


# -- 2. The sender -------------------------------------------------------------------------


def test_an_authenticated_contact_of_one_client_is_high():
    candidates, chosen = route(message("Here you go", "Alice@Acme.co.uk"))
    assert chosen.client_id == 1 and chosen.level == Level.HIGH
    assert chosen.reasons == (
        "Sender alice@acme.co.uk is a contact of this client only (DMARC passed)",
    )


def test_an_unauthenticated_contact_is_a_suggestion_only():
    candidates, chosen = route(message("Here you go", "alice@acme.co.uk", authenticated=False))
    assert chosen is None
    assert candidates[0].level == Level.SUGGESTION
    assert candidates[0].reasons == (
        "Sender alice@acme.co.uk is a contact, but the message is not authenticated: "
        "a suggestion only",
    )


def test_a_contact_of_several_clients_is_a_suggestion_for_each_and_identifiers_decide():
    candidates, chosen = route(message("Receipts", "dir@gmail.com"))
    assert chosen is None
    assert {c.client_id: c.level for c in candidates} == {3: Level.SUGGESTION, 4: Level.SUGGESTION}
    assert by_client(candidates)[4].reasons == (
        "Sender dir@gmail.com is a contact of this client and of 1 other client: a suggestion only",
    )
    _, chosen = route(message("Kestrel's invoice, Company No: SC123456", "dir@gmail.com"))
    assert chosen.client_id == 3 and chosen.level == Level.HIGH


def test_a_display_name_never_counts_only_the_address():
    # '"Alice (Acme)" <attacker@example.net>': the caller passes the addr-spec only.
    candidates, chosen = route(message("Alice (Acme) alice@acme.co.uk", "attacker@example.net"))
    assert chosen is None
    assert all(c.level == Level.SUGGESTION for c in candidates)


# -- 3. Identifiers and names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("VAT Reg No 123 4567 82", "VAT number GB123456782 in the text"),
        ("Registered in England No. 1234567", "Company number 01234567 in the text"),
        (
            "Sort code: 20-00-00 Account: 12345678",
            "Bank account 20-00-00 12345678 in the text",
        ),
        ("IBAN GB74 BARC 2000 0012 3456 78", "IBAN GB74BARC20000012345678 in the text"),
    ],
)
def test_a_valid_identifier_of_one_client_is_high(text, reason):
    # The IBAN carries sort code 20-00-00 and account 12345678: the same account as stored.
    candidates, chosen = route(message(text, "stranger@example.org"))
    assert chosen.client_id == 1 and chosen.level == Level.HIGH
    assert chosen.reasons == (reason,)


def test_a_gb_iban_on_file_matches_its_sort_code_and_account_in_the_text():
    _, chosen = route(message("Sort code 60-16-13 account 31926819"))
    assert chosen.client_id == 2
    assert chosen.reasons == ("Bank account 60-16-13 31926819 in the text",)


def test_an_identifier_that_fails_its_check_or_belongs_to_nobody_counts_for_nothing():
    assert route(message("VAT Reg No 123 4567 83"))[0] == []  # a wrong check digit
    assert route(message(LETTERHEAD))[0] == []  # the practice's own letterhead


def test_identifiers_of_two_clients_in_one_text_are_suggestions_and_go_to_triage():
    text = "VAT No. GB123456782 ... Company Registration Number SC123456"
    candidates, chosen = route(message(text, "stranger@example.org"))
    assert chosen is None
    assert by_client(candidates)[1].reasons == (
        "VAT number GB123456782 in the text, but the text also carries another client's "
        "identifiers: a suggestion only",
    )


def test_an_identifier_stored_on_two_clients_is_a_suggestion_for_each():
    twin = ClientFacts(9, "Acme Group Ltd", vat_number=VAT_ACME)
    candidates, chosen = route(message("VAT: 123456782"), [ACME, twin])
    assert chosen is None
    assert by_client(candidates)[9].reasons == (
        "VAT number GB123456782 in the text, but it is on 2 clients: a suggestion only",
    )


def test_a_name_is_a_suggestion_with_its_score():
    candidates, chosen = route(message("Please see the accounts of ZEPHYR BAKERY LTD"))
    assert chosen is None
    assert candidates[0].client_id == 4 and candidates[0].level == Level.SUGGESTION
    assert candidates[0].reasons == ("Name “Zephyr Bakery” in the text (score 100)",)
    typo = route(message("Zephyr Bakey Ltd statement"))[0]
    assert typo[0].client_id == 4 and typo[0].reasons[0].startswith("Name “Zephyr Bakery”")


def test_a_name_and_an_unauthenticated_contact_together_are_still_a_suggestion():
    candidates, chosen = route(message("Acme Trading Ltd", "alice@acme.co.uk", authenticated=False))
    assert chosen is None
    assert candidates[0].client_id == 1 and candidates[0].level == Level.SUGGESTION
    assert len(candidates[0].reasons) == 2


def test_short_generic_and_one_word_names_are_not_found_by_accident():
    short = ClientFacts(20, "ABC Ltd")
    generic = ClientFacts(21, "London Property Services Ltd")
    kestrel = ClientFacts(22, "Kestrel Ltd")
    clients = [short, generic, kestrel]
    text = "ABC supplies; property services in London; Kestrel Brewery Ltd"
    assert route(message(text), clients)[0] == []
    # Word for word, with a legal form or at the end of a line, they count.
    found = route(message("Invoice to: Kestrel\nLondon Property Services Ltd"), clients)[0]
    assert {c.client_id for c in found} == {21, 22}


def test_a_name_inside_a_longer_clients_name_is_explained_by_it():
    candidates, _ = route(message("ACME TRADING (NORTH) LTD statement"))
    assert by_client(candidates)[2].reasons == (
        "Name “Acme Trading (North)” in the text (score 100)",
    )
    assert by_client(candidates)[1].reasons == (
        "Name “Acme Trading” in the text (score 100), as part of “Acme Trading (North)”",
    )
    assert candidates[0].client_id == 2


# -- 4. Rules ------------------------------------------------------------------------------


def test_a_rule_right_often_enough_is_high_and_exact_beats_domain():
    rules = [Rule("@acme.co.uk", 1, 10, 9), Rule("jo@acme.co.uk", 2, 4, 4)]
    _, chosen = route(message("Statement", "sam@acme.co.uk"), rules=rules)
    assert chosen.client_id == 1 and chosen.level == Level.HIGH
    assert chosen.reasons == ("Rule @acme.co.uk → this client (right 9 of 10 times)",)
    _, chosen = route(message("Statement", "jo@acme.co.uk"), rules=rules)
    assert chosen.client_id == 2
    assert chosen.reasons == ("Rule jo@acme.co.uk → this client (right 4 of 4 times)",)


@pytest.mark.parametrize(("used", "right"), [(2, 2), (10, 8), (0, 0)])
def test_a_rule_with_a_poor_record_is_a_suggestion(used, right):
    candidates, chosen = route(
        message("x", "sam@acme.co.uk"), rules=[Rule("@acme.co.uk", 1, used, right)]
    )
    assert chosen is None and candidates[0].level == Level.SUGGESTION


@pytest.mark.parametrize("domain", ["gmail.com", "hotmail.co.uk", "yahoo.fr", "btinternet.com"])
def test_a_domain_rule_for_webmail_is_never_applied(domain):
    rules = [Rule(f"@{domain}", 1, 50, 50)]
    assert route(message("x", f"stranger@{domain}"), rules=rules)[0] == []


def test_a_rule_for_a_client_the_router_was_not_given_is_ignored():
    assert route(message("x", "sam@acme.co.uk"), rules=[Rule("@acme.co.uk", 99, 9, 9)])[0] == []


# -- Adversarial: a sender of one client, a document of another ----------------------------


def test_an_authenticated_contact_of_one_client_and_another_clients_identifiers_go_to_triage():
    # Kestrel's purchase invoice from Acme (a supplier that is also a client), or Acme's
    # document sent by someone recorded on Kestrel only: either way, a person decides.
    text = "ACME TRADING LTD VAT Reg No 123 4567 82 Invoice to: Kestrel Joinery Ltd"
    candidates, chosen = route(message(text, "kate@kestreljoinery.co.uk"))
    assert chosen is None
    assert by_client(candidates)[3].reasons[0] == (
        "Sender kate@kestreljoinery.co.uk is a contact of this client only (DMARC passed), "
        "but the text names another client, “Acme Trading”: a suggestion only"
    )
    # Without the name the two are high side by side: a conflict, the same answer.
    candidates, chosen = route(message("VAT Reg No 123 4567 82", "kate@kestreljoinery.co.uk"))
    assert chosen is None
    assert {c.client_id for c in candidates if c.level == Level.HIGH} == {1, 3}


def test_two_clients_high_on_their_own_evidence_go_to_triage_whatever_was_lowered_since():
    # Acme's contact, Acme's VAT number (her signature) and Kestrel's (the document): the two
    # identifiers cancel out, and the sender alone must not then choose Acme.
    text = "Alice, Acme, VAT Reg No 123 4567 82\nSupplier VAT: 234567847"
    candidates, chosen = route(message(text, "alice@acme.co.uk"))
    assert chosen is None
    assert by_client(candidates)[1].reasons[0] == (
        "Sender alice@acme.co.uk is a contact of this client only (DMARC passed), but another "
        "client, “Kestrel Joinery”, has strong evidence too: a suggestion only"
    )


def test_an_unauthenticated_contact_of_one_client_does_not_file_another_clients_invoice():
    text = "ACME TRADING LTD VAT Reg No 123 4567 82 Sort code 20-00-00 Account 12345678"
    candidates, chosen = route(message(text, "kate@kestreljoinery.co.uk", authenticated=False))
    assert chosen is None
    assert by_client(candidates)[1].reasons[0] == (
        "VAT number GB123456782 in the text, but the sender is a contact of another client: "
        "a suggestion only"
    )


def test_a_strangers_invoice_between_two_clients_goes_to_triage():
    text = "ACME TRADING LTD VAT Reg No 123 4567 82 Sort code 20-00-00 Account 12345678\n"
    text += "Invoice to: Zephyr Bakery Ltd"
    candidates, chosen = route(message(text, "new.bookkeeper@zephyr-books.co.uk"))
    assert chosen is None
    assert by_client(candidates)[1].reasons[0] == (
        "VAT number GB123456782 in the text, but the text also names another client, "
        "“Zephyr Bakery”: a suggestion only"
    )


def test_a_clients_statement_is_its_own_whoever_its_lines_mention():
    text = (
        "Bank statement\nAccount name: ACME TRADING LTD\nSort code 20-00-00 Account 12345678\n"
        "Statement period 1 November 2026 to 30 November 2026\nBalance brought forward 10.00\n"
        "03 Nov FASTER PAYMENT ZEPHYR BAKERY LTD 120.00"
    )
    _, chosen = route(message(text, "stranger@example.org"))
    assert chosen.client_id == 1 and chosen.level == Level.HIGH


def test_a_director_of_both_sending_an_invoice_between_them_goes_to_triage():
    text = "KESTREL JOINERY LTD Company No: SC123456 VAT: 234567847\nBill to: Zephyr Bakery Ltd"
    _, chosen = route(message(text, "dir@gmail.com"))
    assert chosen is None


DIRECTORS_COVER = (
    "Papers for both companies: Kestrel Joinery and Zephyr Bakery.\nDee\nZephyr Bakery Ltd"
)


def director(document: str | None, cover: str = DIRECTORS_COVER) -> Evidence:
    """dir@gmail.com, a director of Kestrel and Zephyr, sends one attachment of several."""
    text = f"{cover}\n{document}" if document is not None else cover
    return Evidence(None, "dir@gmail.com", True, text, document=document)


def test_a_directors_other_company_named_only_in_her_covering_message_does_not_count():
    document = "KESTREL JOINERY LTD VAT: 234567847\nInvoice to: Harrow Timber Ltd\nTotal 120.00"
    candidates, chosen = route(director(document))
    assert chosen.client_id == 3 and chosen.level == Level.HIGH
    assert by_client(candidates)[3].reasons[1] == "VAT number GB234567847 in the text"
    # Without the attachment's text known apart, the names are the whole text's: triage.
    whole = Evidence(None, "dir@gmail.com", True, f"{DIRECTORS_COVER}\n{document}")
    assert route(whole)[1] is None


def test_a_directors_other_company_named_in_the_attachment_itself_still_counts():
    document = "KESTREL JOINERY LTD VAT: 234567847\nInvoice to: Zephyr Bakery Ltd\nTotal 120.00"
    candidates, chosen = route(director(document))
    assert chosen is None
    assert (
        "the text also names another client, “Zephyr Bakery”"
        in (by_client(candidates)[3].reasons[1])
    )


def test_identifiers_only_in_a_directors_signature_do_not_outweigh_the_company_she_names():
    # Kestrel's number is in her signature, not in the receipt; she names Zephyr: triage.
    cover = "Zephyr Bakery Ltd - receipt for May attached.\nDee\nKestrel Joinery Ltd, SC123456"
    _, chosen = route(director("GREGGS\nReceipt\nTotal 4.20", cover=cover))
    assert chosen is None


def test_a_contacts_message_about_another_client_only_goes_to_triage():
    # Signed for Acme (its company number in the footer), the payslips are Zephyr's.
    text = "Payslips\nAlice\nAcme Trading Ltd, Company No: 1234567\nEmployer: Zephyr Bakery Ltd"
    candidates, chosen = route(message(text, "alice@acme.co.uk"))
    assert chosen is None
    assert by_client(candidates)[1].level == Level.SUGGESTION


def test_a_contacts_own_sales_invoice_to_another_client_is_filed_to_the_sender():
    text = (
        "Acme Trading Ltd VAT Reg No 123 4567 82 Please pay to sort code 20-00-00 "
        "account 12345678\nInvoice to: Zephyr Bakery Ltd"
    )
    _, chosen = route(message(text, "alice@acme.co.uk"))
    assert chosen.client_id == 1 and chosen.level == Level.HIGH


# -- decide --------------------------------------------------------------------------------


def candidate(client_id, level, score=1.0):
    return Candidate(client_id, level, score, ())


def test_decide_files_only_an_unopposed_certain_or_high_candidate():
    assert decide([]) is None
    assert decide([candidate(1, Level.SUGGESTION, 99)]) is None
    assert decide([candidate(1, Level.HIGH), candidate(2, Level.SUGGESTION, 50)]).client_id == 1
    assert decide([candidate(1, Level.HIGH), candidate(2, Level.HIGH)]) is None
    assert decide([candidate(1, Level.CERTAIN), candidate(2, Level.HIGH)]) is None
    # In any order.
    assert decide([candidate(2, Level.SUGGESTION, 50), candidate(1, Level.CERTAIN)]).client_id == 1


def test_rank_orders_by_level_then_score():
    candidates, chosen = route(message("VAT: 234567847", "dir@gmail.com"))
    assert [c.client_id for c in candidates] == [3, 4]
    assert candidates[0].level > candidates[1].level
    assert chosen.client_id == 3


# -- Properties ----------------------------------------------------------------------------

emails = st.sampled_from(["alice@acme.co.uk", "bob@acme.co.uk", "dir@gmail.com", "x@y.com", ""])
pieces = st.sampled_from(
    [
        "VAT Reg No 123 4567 82",
        "VAT: 234567847",
        f"IBAN {IBAN_NORTH}",
        "Sort code 20-00-00 Account 12345678",
        "Company No: SC123456",
        "Acme Trading Ltd",
        "Acme Trading (North) Ltd",
        "Zephyr Bakery Ltd",
        "Kestrel Joinery",
        LETTERHEAD,
        "statement",
        "\n",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(CLIENTS), unique=True),
    st.one_of(st.none(), st.integers(0, 6)),
    emails,
    st.booleans(),
    st.lists(pieces, max_size=6),
    st.lists(
        st.builds(
            Rule,
            st.sampled_from(["@acme.co.uk", "alice@acme.co.uk", "@gmail.com", "x@y.com"]),
            st.integers(0, 6),
            st.integers(0, 20),
            st.integers(0, 20),
        ),
        max_size=4,
    ),
)
def test_the_route_is_always_one_of_the_given_clients_at_high_or_above(
    clients, address, sender, authenticated, text, rules
):
    candidates = rank(message(" ".join(text), sender, authenticated, address), clients, rules)
    given_ids = {c.id for c in clients}
    assert {c.client_id for c in candidates} <= given_ids
    chosen = decide(candidates)
    if chosen is not None:
        assert chosen.client_id in given_ids
        assert chosen.level >= Level.HIGH
        assert not any(
            c.client_id != chosen.client_id and c.level >= Level.HIGH for c in candidates
        )


# -- The labelled set ----------------------------------------------------------------------


def _labelled():
    path = Path(__file__).resolve().parents[2] / "bench" / "inbox_labelled.py"
    spec = importlib.util.spec_from_file_location("inbox_labelled", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("inbox_labelled", module)
    spec.loader.exec_module(module)
    return module


def test_the_labelled_set_files_nothing_to_a_wrong_client():
    labelled = _labelled()
    clients, pairs = labelled.labelled_set(400, seed=11)
    figures = labelled.score(
        pairs, clients, labelled.labelled_rules(11), labelled.labelled_truths(400, seed=11)
    )
    assert figures["messages"] == 400
    assert figures["filed wrong (certain/high)"] == 0
    assert figures["filed to a client that is not the true owner"] == 0
    assert figures["right %"] >= 97
