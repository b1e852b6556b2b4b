"""The local stack: template.yaml's resources on moto over real HTTP, its HTTP API and event wiring.

with LocalStack(template_path="template.yaml", parameters={"HrisProvider": "bamboohr"}) as stack:
    stack.api_url, stack.physical_id("SyncQueue"), stack.invoke(...), stack.drain(timeout=60)
"""

from sandbox.local_stack.event_sources import DrainReport, DrainTimeout
from sandbox.local_stack.invoker import InvocationFailure, LocalLambdaContext
from sandbox.local_stack.stack import LocalStack, Wiring
from sandbox.local_stack.template import TemplateError

__all__ = [
    "DrainReport",
    "DrainTimeout",
    "InvocationFailure",
    "LocalLambdaContext",
    "LocalStack",
    "TemplateError",
    "Wiring",
]
