"""One moto server per process, on a free loopback port, wiped clean for every local stack.

Handlers and adapters often build boto3 clients once at import time; keeping the endpoint stable for
the life of the process keeps those clients valid from one stack (test) to the next, while the reset
gives every stack empty AWS state.
"""

from __future__ import annotations

import atexit
import logging
import threading
import urllib.request

from moto.server import ThreadedMotoServer

_lock = threading.Lock()
_server: ThreadedMotoServer | None = None
_endpoint: str | None = None


def shared_moto_endpoint() -> str:
    """Start the process-wide moto server if needed and return its base URL."""
    global _server, _endpoint
    with _lock:
        if _server is None:
            # werkzeug logs every request moto serves; the stack's own failures are reported instead.
            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            _deliver_complete_eventbridge_envelopes()
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()
            host, port = server.get_host_and_port()
            _server, _endpoint = server, f"http://{host}:{port}"
            atexit.register(_stop)
        assert _endpoint is not None
        return _endpoint


def _deliver_complete_eventbridge_envelopes() -> None:
    """moto's default target input drops the envelope's `account`; real EventBridge always sends it.

    Consumers parse the envelope strictly (Powertools' EventBridgeModel requires `account`), so the
    local stack restores it rather than letting every handler test pass on a shape AWS never sends.
    """
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' not in template:
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = template.replace(
            '"version": "0",', '"version": "0", "account": "<account>",', 1
        )


def reset_moto(endpoint: str) -> None:
    """Drop every resource moto holds, so the next stack starts from an empty account."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback moto server
        response.read()


def _stop() -> None:
    global _server, _endpoint
    with _lock:
        if _server is not None:
            _server.stop()
        _server, _endpoint = None, None
