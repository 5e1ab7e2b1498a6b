from __future__ import annotations

from django.urls import reverse

from .conftest import png_bytes


def test_a_photo_is_served_to_those_who_see_the_case_only(
    client, report, resident, other_resident, property_handler
):
    case = report(photos=[png_bytes()])
    photo = case.photos.get()
    url = reverse("media:photo", args=[photo.pk])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(other_resident)
    assert client.get(url).status_code == 404  # another community's resident
    for viewer in (resident, property_handler):
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
