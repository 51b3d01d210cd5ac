"""The pure part of carrying a template into open packs: the diff and the ordering."""

from types import SimpleNamespace

from tasks.from_templates import diff_pack, merge_order


def template_item(pk, stage, title, *, position, mandatory=True, guidance="", auto_key=""):
    return SimpleNamespace(
        pk=pk,
        stage=stage,
        title=title,
        mandatory=mandatory,
        guidance=guidance,
        auto_key=auto_key,
        position=position,
    )


def pack_item(
    pk,
    stage,
    title,
    *,
    position,
    template_item_id=None,
    extra_item_id=None,
    done=False,
    mandatory=True,
    guidance="",
    auto_key="",
):
    return SimpleNamespace(
        pk=pk,
        stage=stage,
        title=title,
        mandatory=mandatory,
        guidance=guidance,
        auto_key=auto_key,
        position=position,
        template_item_id=template_item_id,
        extra_item_id=extra_item_id,
        done_at="2026-11-03" if done else None,
    )


BANK = template_item(1, "collect", "Bank statements received", position=10)
PETTY = template_item(2, "collect", "Petty cash received", position=20, mandatory=False)
ACCOUNTS = template_item(3, "prepare", "Accounts prepared", position=30)


def test_a_pack_that_follows_the_template_has_nothing_to_change():
    items = [
        pack_item(11, "collect", BANK.title, position=10, template_item_id=1),
        pack_item(12, "collect", PETTY.title, position=20, template_item_id=2, mandatory=False),
        pack_item(13, "prepare", ACCOUNTS.title, position=30, template_item_id=3),
    ]
    diff = diff_pack(items, [BANK, PETTY, ACCOUNTS], set())
    assert not diff.has_changes and not diff.kept


def test_new_template_item_is_added_unless_the_client_switched_it_off():
    items = [pack_item(11, "collect", BANK.title, position=10, template_item_id=1)]
    diff = diff_pack(items, [BANK, PETTY, ACCOUNTS], set())
    assert [spec.template_item_id for spec in diff.to_add] == [2, 3]

    switched_off = diff_pack(items, [BANK, PETTY, ACCOUNTS], {2})
    assert [spec.template_item_id for spec in switched_off.to_add] == [3]


def test_a_mandatory_item_is_added_even_if_listed_as_switched_off():
    diff = diff_pack([], [BANK], {1})
    assert [spec.template_item_id for spec in diff.to_add] == [1]


def test_edited_title_mandatory_and_guidance_are_changes():
    edited = template_item(
        1,
        "collect",
        "Bank statements (all accounts)",
        position=10,
        mandatory=False,
        guidance="Every account.",
    )
    items = [pack_item(11, "collect", BANK.title, position=10, template_item_id=1)]
    diff = diff_pack(items, [edited], set())
    (change,) = diff.to_change
    assert change.pack_item_id == 11
    assert change.fields == ["title", "mandatory", "guidance"]
    assert change.description == "title, mandatory, guidance"


def test_deleted_template_item_is_removed_but_a_ticked_one_is_kept():
    items = [
        pack_item(11, "collect", "Old unticked item", position=10),
        pack_item(12, "collect", "Old ticked item", position=20, done=True),
    ]
    diff = diff_pack(items, [], set())
    assert [ref.pack_item_id for ref in diff.to_remove] == [11]
    assert [ref.pack_item_id for ref in diff.kept] == [12]


def test_the_clients_extra_items_are_left_alone():
    items = [pack_item(11, "prepare", "Board pack", position=40, extra_item_id=7)]
    diff = diff_pack(items, [], set())
    assert not diff.has_changes and not diff.kept


def test_added_items_slot_in_after_their_template_predecessor_and_before_extras():
    existing = [
        pack_item(11, "collect", BANK.title, position=10, template_item_id=1),
        pack_item(14, "collect", "Client extra", position=20, extra_item_id=7),
        pack_item(13, "prepare", ACCOUNTS.title, position=30, template_item_id=3),
    ]
    new_petty = pack_item(None, "collect", PETTY.title, position=20, template_item_id=2)
    new_review = pack_item(None, "review", "Review", position=40, template_item_id=4)
    new_first = pack_item(None, "collect", "First", position=5, template_item_id=5)
    positions = {1: 10, 2: 20, 3: 30, 4: 40, 5: 5}
    ordered = merge_order(existing, [new_review, new_petty, new_first], positions)
    assert [i.title for i in ordered] == [
        "First",
        BANK.title,
        PETTY.title,
        "Client extra",
        ACCOUNTS.title,
        "Review",
    ]


def test_an_item_for_an_empty_stage_goes_between_the_stages_around_it():
    existing = [
        pack_item(11, "collect", BANK.title, position=10, template_item_id=1),
        pack_item(13, "review", "Review", position=30, template_item_id=4),
    ]
    new = pack_item(None, "reconcile", "Bank reconciled", position=15, template_item_id=6)
    ordered = merge_order(existing, [new], {1: 10, 4: 40, 6: 15})
    assert [i.title for i in ordered] == [BANK.title, "Bank reconciled", "Review"]
