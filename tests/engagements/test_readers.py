"""Named readers survive updates, can be set by editors and travel with imports and exports."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.engagements.exporter import export
from summitry.engagements.importer import ImportFailed, import_text
from summitry.engagements.models import Engagement
from tests import factories
from tests.engagements.test_web import form_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "ref": "secret-call",
        "title": "Secret call",
        "kind": "telephone_call",
        "status": "held",
        "start": "2020-03-23T12:00:00+00:00",
        "confidentiality": "confidential",
    }
    base.update(fields)
    return base


def test_import_update_keeps_readers_when_the_file_names_none(editor: User) -> None:
    reader = factories.user(User.Role.READER, username="analyst")
    import_text(json.dumps([record(readers=["analyst"])]), "json")
    assert list(Engagement.objects.get().readers.all()) == [reader]
    result = import_text(json.dumps([record(title="Secret call, corrected")]), "json")
    assert result.updated == 1
    call = Engagement.objects.get()
    assert call.title == "Secret call, corrected"
    assert list(call.readers.all()) == [reader]
    csv_text = "ref,title,kind,status,start,confidentiality\n"
    csv_text += "secret-call,Secret call again,telephone_call,held,2020-03-23,confidential\n"
    import_text(csv_text, "csv")
    assert list(Engagement.objects.get().readers.all()) == [reader]


def test_import_readers_column_sets_them_and_names_unknown_users() -> None:
    factories.user(User.Role.READER, username="analyst")
    factories.user(User.Role.READER, username="deputy")
    text = "ref,title,kind,status,start,confidentiality,readers\n"
    text += "c-1,Call,telephone_call,held,2020-03-23,confidential,analyst; deputy\n"
    import_text(text, "csv")
    assert {u.username for u in Engagement.objects.get().readers.all()} == {"analyst", "deputy"}
    with pytest.raises(ImportFailed) as failed:
        import_text(text.replace("deputy", "nobody"), "csv")
    assert [str(p) for p in failed.value.problems] == [
        "line 2, field 'readers': unknown user 'nobody'"
    ]
    assert {u.username for u in Engagement.objects.get().readers.all()} == {"analyst", "deputy"}


def test_export_carries_readers_back_into_an_import() -> None:
    factories.user(User.Role.READER, username="analyst")
    import_text(json.dumps([record(readers=["analyst"])]), "json")
    for fmt in ("json", "csv"):
        out = io.StringIO()
        export(out, fmt)
        Engagement.objects.get().readers.clear()
        import_text(out.getvalue(), fmt)
        assert [u.username for u in Engagement.objects.get().readers.all()] == ["analyst"], fmt


def test_editor_sets_named_readers_in_the_form_and_they_stay_on_edit(
    client: Client, editor: User
) -> None:
    reader = factories.user(User.Role.READER, username="analyst")
    client.force_login(editor)
    response = client.post(
        "/engagements/new/", form_data(confidentiality="confidential", readers="analyst")
    )
    assert response.status_code == 302
    meeting = Engagement.objects.get()
    assert list(meeting.readers.all()) == [reader]
    edit_page = client.get(f"/engagements/{meeting.pk}/edit/").content.decode()
    assert '<option value="analyst" selected>' in edit_page
    client.post(
        f"/engagements/{meeting.pk}/edit/",
        form_data(confidentiality="confidential", readers="analyst", readout="Changed."),
    )
    meeting.refresh_from_db()
    assert meeting.readout == "Changed." and list(meeting.readers.all()) == [reader]
    client.force_login(reader)
    assert client.get(f"/engagements/{meeting.pk}/").status_code == 200
