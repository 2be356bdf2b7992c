"""Sentry (SENTRY_DSN) and OpenTelemetry (OTEL_EXPORTER_OTLP_ENDPOINT), each only when its
variable is set, and OpenTelemetry only when its packages are installed."""

import importlib.util
import logging
import os

log = logging.getLogger(__name__)


def setup_observability() -> dict[str, bool]:
    enabled = {"sentry": False, "opentelemetry": False}
    dsn = os.environ.get("SENTRY_DSN", "")
    if dsn:
        import sentry_sdk

        # sentry-sdk 3 sends no personal data (e-mails, cookies, bodies) unless asked to.
        sentry_sdk.init(
            dsn=dsn,
            environment=os.environ.get("SENTRY_ENVIRONMENT") or "production",
            release=os.environ.get("CAREMENTOR_RELEASE") or None,
            traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        )
        enabled["sentry"] = True
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
    if endpoint and all(
        importlib.util.find_spec(name) is not None
        for name in (
            "opentelemetry.sdk",
            "opentelemetry.instrumentation.django",
            "opentelemetry.exporter.otlp",
        )
    ):
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.django import DjangoInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        name = os.environ.get("OTEL_SERVICE_NAME") or "carementor"
        provider = TracerProvider(resource=Resource.create({"service.name": name}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        DjangoInstrumentor().instrument()
        enabled["opentelemetry"] = True
    elif endpoint:
        log.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed")
    return enabled
