"""Headers that every response carries: the browser features no page uses are switched off."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/healthz", "/accounts/login/", "/no-such-page/"])
def test_every_response_switches_off_unused_browser_features(client, path):
    response = client.get(path)

    policy = response.headers["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
