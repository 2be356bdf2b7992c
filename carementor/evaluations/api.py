"""Evaluations API: instruments, survey assignments, responses; results from api_results."""

from ninja import Router

from carementor.evaluations.api_results import router as results_router

router = Router(tags=["evaluations"])
router.add_router("", results_router)
