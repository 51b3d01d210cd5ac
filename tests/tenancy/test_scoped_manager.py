"""The first wall: the scoped default manager and the unscoped bypass."""

import pytest

from atlasos.tenancy.context import (
    PracticeContextError,
    current_practice_id,
    practice_context,
    unscoped,
)
from clients.models import Client, Tag
from tests.factories.clients import ClientFactory


@pytest.fixture
def two_practices_clients(practice, other_practice):
    mine = ClientFactory(practice=practice, name="Mine Ltd")
    theirs = ClientFactory(practice=other_practice, name="Theirs Ltd")
    return mine, theirs


@pytest.mark.parametrize(
    "evaluate",
    [
        pytest.param(lambda qs: list(qs), id="list"),
        pytest.param(lambda qs: qs.count(), id="count"),
        pytest.param(lambda qs: qs.exists(), id="exists"),
        pytest.param(lambda qs: qs.first(), id="first"),
        pytest.param(lambda qs: qs.get(name="Mine Ltd"), id="get"),
        pytest.param(lambda qs: qs.update(name="x"), id="update"),
        pytest.param(lambda qs: qs.delete(), id="delete"),
        pytest.param(lambda qs: list(qs.iterator()), id="iterator"),
        pytest.param(
            lambda qs: qs.aggregate(n=__import__("django").db.models.Count("pk")), id="aggregate"
        ),
        pytest.param(lambda qs: list(qs.values_list("name", flat=True)), id="values_list"),
    ],
)
def test_default_manager_refuses_to_run_without_a_practice(two_practices_clients, evaluate):
    with pytest.raises(PracticeContextError):
        evaluate(Client.objects.all())


def test_queryset_built_without_practice_still_refuses_inside_one(two_practices_clients, practice):
    # A form class attribute built at import time must not leak once evaluated in a request.
    built_at_import = Client.objects.all()
    with practice_context(practice.pk), pytest.raises(PracticeContextError):
        list(built_at_import)


def test_default_manager_sees_only_the_practice_in_context(two_practices_clients, practice):
    mine, theirs = two_practices_clients
    with practice_context(practice.pk):
        assert list(Client.objects.all()) == [mine]
        assert not Client.objects.filter(pk=theirs.pk).exists()
        assert Client.objects.filter(pk=theirs.pk).update(name="hijacked") == 0


def test_unscoped_objects_refuse_outside_unscoped(two_practices_clients, practice):
    with pytest.raises(PracticeContextError):
        list(Client.unscoped_objects.all())
    with practice_context(practice.pk), pytest.raises(PracticeContextError):
        list(Client.unscoped_objects.all())


def test_unscoped_objects_see_every_practice_inside_unscoped(two_practices_clients):
    with unscoped("test: beat fan-out"):
        assert Client.unscoped_objects.count() == 2
        with pytest.raises(PracticeContextError):
            list(Client.objects.all())


def test_unscoped_needs_a_reason():
    with pytest.raises(PracticeContextError), unscoped(""):
        pass


def test_saving_without_a_practice_is_refused(practice):
    with pytest.raises(PracticeContextError):
        Client(name="No practice", short_code="NP01", entity_type="trust").save()
    with pytest.raises(PracticeContextError):
        Client(practice=practice, name="Outside", short_code="NP02", entity_type="trust").save()


def test_saving_another_practices_row_is_refused(practice, other_practice):
    with practice_context(practice.pk), pytest.raises(PracticeContextError):
        Client(practice=other_practice, name="X", short_code="X1", entity_type="trust").save()


def test_create_and_bulk_create_take_the_practice_from_context(practice):
    with practice_context(practice.pk):
        client = Client.objects.create(name="New Ltd", short_code="NEW1", entity_type="llp")
        tags = Tag.objects.bulk_create([Tag(name="a"), Tag(name="b")])
    assert client.practice_id == practice.pk
    assert {t.practice_id for t in tags} == {practice.pk}


def test_bulk_create_of_another_practices_rows_is_refused(practice, other_practice):
    with practice_context(practice.pk), pytest.raises(PracticeContextError):
        Tag.objects.bulk_create([Tag(name="a", practice=other_practice)])


def test_context_is_reset_after_the_block_even_on_error(practice):
    with pytest.raises(RuntimeError), practice_context(practice.pk):
        assert current_practice_id() == practice.pk
        raise RuntimeError("boom")
    assert current_practice_id() is None


def test_related_managers_are_scoped(practice, other_practice):
    client = ClientFactory(practice=practice)
    with practice_context(practice.pk):
        assert list(client.bank_accounts.all()) == []
    with pytest.raises(PracticeContextError):
        list(client.bank_accounts.all())


def test_sql_for_a_raw_query_is_refused_without_a_practice_and_filtered_with_one(practice):
    from atlasos.tenancy.context import PracticeContextError, practice_context
    from tasks.models import Pack

    with pytest.raises(PracticeContextError):
        Pack.objects.all().sql_with_params()
    with practice_context(practice.pk):
        sql, params = Pack.objects.all().sql_with_params()
    assert "practice_id" in sql and practice.pk in params
