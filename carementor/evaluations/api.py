"""Evaluations API."""

from ninja import Router

router = Router(tags=["evaluations"])
