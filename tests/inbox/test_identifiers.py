"""Identifiers found in text (issue 12 §4.3): VAT numbers, company numbers, IBANs and sort code
+ account pairs, each only when it passes its check; and names as compared. Pure: no database."""

import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat

from inbox.identifiers import find, normalise_name, normalise_text

# Valid GB VAT numbers (weighted mod 97) and IBANs, worked out with python-stdnum.
VAT_A, VAT_B = "123456782", "234567847"
IBAN_NWBK = "GB29NWBK60161331926819"  # sort code 60-16-13, account 31926819
IBAN_BARC = "GB74BARC20000012345678"  # sort code 20-00-00, account 12345678


# -- VAT numbers ---------------------------------------------------------------------------


def test_a_gb_vat_number_is_found_in_every_usual_spelling():
    for text in (
        f"VAT No. GB{VAT_A}",
        "VAT Registration Number: GB 123 4567 82",
        "our VAT number is gb123-4567-82.",
        "GB 123 4567 82 001",  # a branch: the same registration
    ):
        assert find(text).vat_numbers == {f"GB{VAT_A}"}, text


def test_a_gb_vat_number_without_its_prefix_counts_after_a_vat_cue_only():
    assert find("VAT Reg No 123 4567 82").vat_numbers == {f"GB{VAT_A}"}
    assert find("VAT registration number:\n123456782").vat_numbers == {f"GB{VAT_A}"}
    assert find("Order 123 4567 82").vat_numbers == frozenset()
    assert find("Phone 123456782").vat_numbers == frozenset()


def test_a_vat_number_with_a_wrong_check_digit_does_not_count():
    assert find("VAT No. GB123456783").vat_numbers == frozenset()
    assert find("VAT Reg No 123 4567 83").vat_numbers == frozenset()


def test_a_northern_ireland_number_keeps_its_xi():
    assert find(f"VAT: XI {VAT_B}").vat_numbers == {f"XI{VAT_B}"}


def test_eu_numbers_are_checked_by_their_country_and_never_taken_for_gb_ones():
    found = find("Lieferant USt: DE 136695976, client FR40303265045, IE6388047V, ATU13585627")
    assert found.vat_numbers == {"DE136695976", "FR40303265045", "IE6388047V", "ATU13585627"}
    assert all(eu_vat.is_valid(number) for number in found.vat_numbers)
    # "VAT No: DE …" is a German number, not a GB one that happens to pass the GB check.
    assert not any(n.startswith("GB") for n in find("VAT No: DE 136695976").vat_numbers)


def test_words_that_look_like_country_codes_are_not_vat_numbers():
    assert find("IT IS NOT BE 0123 DEBIT 12345678 LTD 2026").vat_numbers == frozenset()


# -- Company numbers -----------------------------------------------------------------------


def test_a_company_number_counts_next_to_a_cue_padded_to_eight_characters():
    cases = {
        "Registered in England and Wales No. 01234567": "01234567",
        "Registered in England & Wales with company number 01234567": "01234567",
        "Company No: 1234567": "01234567",
        "Company Registration Number SC123456": "SC123456",
        "Reg. No. oc301234": "OC301234",
        "Registered number: NI612345": "NI612345",
        "CRN 09876543": "09876543",
    }
    for text, number in cases.items():
        assert find(text).company_numbers == {number}, text


def test_eight_digits_without_a_cue_and_a_vat_registration_are_not_company_numbers():
    assert find("Invoice 01234567, order 76543210").company_numbers == frozenset()
    assert find("VAT Reg No 1234567").company_numbers == frozenset()
    assert find("Company number 123456789").company_numbers == frozenset()


# -- IBANs ---------------------------------------------------------------------------------


def test_an_iban_is_found_spaced_or_not_and_cut_from_the_words_after_it():
    spaced = "IBAN: GB29 NWBK 6016 1331 9268 19 BIC NWBKGB2L"
    assert find(spaced).ibans == {IBAN_NWBK}
    assert find(f"pay to {IBAN_NWBK}.").ibans == {IBAN_NWBK}
    assert find("IBAN GB74 BARC 2000 0012 3456 78 SORT CODE").ibans == {IBAN_BARC}
    assert find("DE89 3704 0044 0532 0130 00").ibans == {"DE89370400440532013000"}


def test_an_iban_with_a_wrong_check_is_not_one():
    assert find("IBAN GB28NWBK60161331926819").ibans == frozenset()
    assert find("XGB29NWBK60161331926819").ibans == frozenset()  # glued to a word


# -- Sort code and account -----------------------------------------------------------------


def test_a_sort_code_pairs_with_the_account_numbers_near_it_before_or_after():
    assert find("Sort code: 20-00-00   Account number: 12345678").uk_accounts == {
        ("200000", "12345678")
    }
    assert find("Account number 12345678 Sort code 20-00-00").uk_accounts == {
        ("200000", "12345678")
    }
    assert find("Sort Code 200000 Account No 12345678").uk_accounts == {("200000", "12345678")}


def test_far_away_long_or_glued_numbers_are_not_account_numbers():
    far = "Sort code 20-00-00" + " " * 70 + "12345678"
    assert find(far).uk_accounts == frozenset()
    assert find("20-00-00 account 123456789").uk_accounts == frozenset()
    assert find("20-00-00 ref ESA12345678").uk_accounts == frozenset()
    assert find("0800-20-00-00 12345678").uk_accounts == frozenset()  # part of a longer number


# -- Speed and hostile text ----------------------------------------------------------------


def _statement(size: int) -> str:
    rng = random.Random(3)
    lines = ["ACME TRADING LTD Bank statement Sort code 20-00-00 Account number 12345678"]
    words = ["CARD", "PAYMENT", "TO", "TESCO", "STORES", "DIRECT", "DEBIT", "FROM", "INVOICE"]
    while sum(map(len, lines)) < size:
        lines.append(
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026 "
            + " ".join(rng.choice(words) for _ in range(rng.randint(3, 8)))
            + f" REF {rng.randint(10**7, 10**8 - 1)}"
            + f" {rng.randint(1, 9999)}.{rng.randint(0, 99):02d}"
        )
        if rng.random() < 0.05:
            lines.append("Registered in England No. 01234567. VAT Reg No 123 4567 82.")
    return "\n".join(lines)[:size]


def _best_of(runs: int, text: str) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        find(text)
        times.append(time.perf_counter() - started)
    return min(times)


def test_200k_characters_of_a_statement_take_under_50_ms():
    text = _statement(200_000)
    found = find(text)
    assert found.uk_accounts == {("200000", "12345678")}
    assert found.company_numbers == {"01234567"}
    assert _best_of(5, text) < 0.05


def test_hostile_text_costs_time_in_proportion_to_its_length_not_more():
    rng = random.Random(1)
    hostile = [
        "VAT " * 50_000,
        "sort code " * 20_000,
        "company number " * 14_000,
        "12-34-56 " * 22_000,
        "12345678 12-34-56 " * 11_000,
        "DE1A1A1A1A1A1A1.1A1A1.A1A1A " * 8_000,
        "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ") for _ in range(200_000)),
        "GB1234 " * 30_000,
    ]
    for text in hostile:
        assert _best_of(2, text[:200_000]) < 0.5, text[:30]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_anything_found_in_any_text_passes_its_check(text):
    found = find(text)
    assert all(
        number[:2] in ("GB", "XI") or eu_vat.is_valid(number) for number in found.vat_numbers
    )
    assert all(stdnum_iban.is_valid(number) for number in found.ibans)
    assert all(len(number) == 8 for number in found.company_numbers)
    assert all(len(s) == 6 and len(a) == 8 for s, a in found.uk_accounts)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([VAT_A, VAT_B]), st.text(alphabet=" \n:-.", min_size=1, max_size=3))
def test_a_valid_number_is_found_whatever_the_punctuation_around_it(number, around):
    assert f"GB{number}" in find(f"VAT{around}GB{number}{around}").vat_numbers


# -- Names ---------------------------------------------------------------------------------


def test_a_name_loses_its_legal_form_punctuation_and_case():
    assert normalise_name("Acme Trading Ltd") == "acme trading"
    assert normalise_name("ACME TRADING LIMITED.") == "acme trading"
    assert normalise_name("The Joe's Café & Co") == "joes cafe"
    assert normalise_name("Smith & Jones LLP") == "smith and jones"
    assert normalise_name("J Smith t/a Smith Plumbing") == "j smith smith plumbing"
    assert normalise_name("Acme Trading (North) Limited") == "acme trading north"
    assert normalise_name("Bright Ideas PLC") == "bright ideas"


def test_text_is_normalised_the_same_way_with_nothing_dropped_but_marks():
    assert normalise_text("Invoice to: JOE'S CAFÉ & Co. Ltd") == "invoice to joes cafe and co ltd"
