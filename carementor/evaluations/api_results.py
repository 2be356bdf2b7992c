"""Evaluations API: aggregate results, reports and personal results (mounted by api.py)."""

from ninja import Router

router = Router()
