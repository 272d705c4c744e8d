"""``{% load licences %}``: ``licence|licence_verify_url`` — where anyone checks a licence (its
newest certificate's verification page), or ``""`` before the certificate is issued."""

from django import template

from approvals.selectors.licences import certificate, verification_path

register = template.Library()


@register.filter
def licence_verify_url(licence) -> str:
    document = certificate(licence) if licence is not None else None
    return verification_path(document.verification_code) if document else ""
