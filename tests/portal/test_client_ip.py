"""The client's address behind trusted proxies: taken from the right of X-Forwarded-For, where
the proxies append it, never from the left, which the client writes itself."""

import pytest
from django.test import RequestFactory

from portal.middleware import client_ip


def _request(forwarded: str | None, peer: str = "10.0.0.5"):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_header_the_peer_address_is_the_client(settings):
    settings.TRUSTED_PROXY_IP_HEADER = ""
    assert client_ip(_request("198.51.100.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (0, "203.0.113.7", "203.0.113.7"),  # a trusted header means at least one proxy
        # the client forged the left entries; the proxy appended the real address
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (1, "1.2.3.4, 5.6.7.8, 203.0.113.7", "203.0.113.7"),
        # two proxies: the outer one appended the client, the inner one the outer proxy
        (2, "1.2.3.4, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),
    ],
)
def test_the_address_the_outermost_trusted_proxy_appended(settings, proxies, forwarded, client):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded)) == client


def test_a_malformed_address_is_no_address(settings):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("not-an-address")) is None
    assert client_ip(_request("")) == "10.0.0.5"
