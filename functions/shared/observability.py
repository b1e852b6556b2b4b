"""Logger, tracer and metrics for a handler module, named explicitly.

Powertools reads POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE when the objects are created,
i.e. at import. A module imported before its environment is applied (template checks, a warm
process shared with another function) would otherwise flush metrics without a namespace.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "mentorbridge"
METRICS_NAMESPACE = "Mentorbridge"


def observability() -> tuple[Logger, Tracer, Metrics]:
    return (
        Logger(service=SERVICE),
        Tracer(service=SERVICE),
        Metrics(namespace=METRICS_NAMESPACE, service=SERVICE),
    )
