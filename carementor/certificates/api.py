"""Certificates and CPD API."""

from ninja import Router

router = Router(tags=["certificates"])
