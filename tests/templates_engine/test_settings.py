def test_new_template_form_starts_from_the_standard_due_days(client, manager):
    from tests.helpers import sign_in

    sign_in(client, manager)
    page = client.get("/settings/templates/new/").content.decode()
    assert 'name="collect_day" value="5"' in page
    assert 'name="deliver_day" value="15"' in page
