"""The local HTTP API behaves like API Gateway's HTTP API: payload 2.0 events, response mapping,
404 for unknown routes and SigV4 required on AWS_IAM routes."""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.credentials import Credentials

from sandbox.local_stack import LocalStack
from sandbox.local_stack.sigv4 import sign_request
from tests.template.stubs.support import stub_stack

pytestmark = pytest.mark.integration


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    with stub_stack() as running:
        yield running


def _call(
    method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes, list[str]]:
    request = urllib.request.Request(url, data=body or None, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return (
                response.status,
                dict(response.headers.items()),
                response.read(),
                response.headers.get_all("Set-Cookie") or [],
            )
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read(), []


def _echoed(payload: bytes) -> dict[str, Any]:
    echoed: dict[str, Any] = json.loads(payload)
    return echoed


def test_public_route_receives_a_payload_2_0_event(stack: LocalStack) -> None:
    # Given a JSON POST with a query string and a custom header
    before_ms = int(time.time() * 1000)
    status, headers, payload, cookies = _call(
        "POST",
        f"{stack.api_url}/public/ada?x=1&x=2&y=",
        b'{"hello": "world"}',
        {"Content-Type": "application/json", "X-Custom-Header": "Value"},
    )
    # When the echo handler answers
    assert status == 200
    event = _echoed(payload)["event"]
    # Then the event has the HTTP API 2.0 shape
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /public/{name}"
    assert event["rawPath"] == "/public/ada"
    assert event["rawQueryString"] == "x=1&x=2&y="
    assert event["queryStringParameters"] == {"x": "1,2", "y": ""}
    assert event["pathParameters"] == {"name": "ada"}
    assert event["headers"]["x-custom-header"] == "Value"
    assert all(name == name.lower() for name in event["headers"])
    assert event["body"] == '{"hello": "world"}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"]["method"] == "POST"
    assert context["http"]["path"] == "/public/ada"
    assert context["http"]["sourceIp"] == "127.0.0.1"
    assert context["routeKey"] == "POST /public/{name}"
    assert context["stage"] == "$default"
    assert context["requestId"]
    assert before_ms <= context["timeEpoch"] <= int(time.time() * 1000)
    assert "authorizer" not in context
    # And the handler's headers and cookies come back as HTTP headers
    assert headers["x-stub"] == "echo"
    assert cookies == ["session=abc; HttpOnly"]


def test_form_encoded_body_arrives_base64_encoded_byte_for_byte(stack: LocalStack) -> None:
    raw = b"employees%5B0%5D%5Bid%5D=42&name=J%C3%B6rg"
    status, _, payload, _ = _call(
        "POST", f"{stack.api_url}/public/form", raw, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200
    event = _echoed(payload)["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == raw


def test_unknown_route_and_unknown_method_answer_404_not_found(stack: LocalStack) -> None:
    for method, path in (("GET", "/nowhere"), ("DELETE", "/public/ada"), ("GET", "/public/ada/extra")):
        status, _, payload, _ = _call(method, f"{stack.api_url}{path}")
        assert (status, json.loads(payload)) == (404, {"message": "Not Found"}), (method, path)


def test_iam_route_without_a_signature_is_forbidden(stack: LocalStack) -> None:
    status, _, payload, _ = _call("GET", f"{stack.api_url}/admin/items/7")
    assert (status, json.loads(payload)) == (403, {"message": "Forbidden"})


def test_iam_route_with_a_valid_signature_reaches_the_handler_with_the_caller(stack: LocalStack) -> None:
    # Given a request signed with the stack's credentials (as the CLI would sign it)
    url = f"{stack.api_url}/admin/items/7?verbose=1"
    headers = stack.sign("GET", url)
    # When it is sent
    status, _, payload, _ = _call("GET", url, headers=headers)
    # Then the handler runs and sees the IAM caller in the authorizer context
    assert status == 200
    event = _echoed(payload)["event"]
    assert event["pathParameters"] == {"item_id": "7"}
    iam = event["requestContext"]["authorizer"]["iam"]
    assert iam["accessKey"] == stack.credentials.access_key
    assert iam["accountId"] == stack.account_id


def test_signed_body_that_was_tampered_with_is_rejected(stack: LocalStack) -> None:
    url = f"{stack.api_url}/admin/items/7"
    headers = stack.sign("PUT", url, b'{"capacity": 2}', {"Content-Type": "application/json"})
    good, _, _, _ = _call("PUT", url, b'{"capacity": 2}', headers)
    tampered, _, payload, _ = _call("PUT", url, b'{"capacity": 9}', headers)
    assert good == 200
    assert tampered == 403
    assert "signature" in json.loads(payload)["message"]


def test_signature_from_unknown_credentials_is_rejected(stack: LocalStack) -> None:
    url = f"{stack.api_url}/admin/items/7"
    stranger = Credentials(stack.credentials.access_key, "not-the-stack-secret")
    status, _, _, _ = _call("GET", url, headers=sign_request(stranger, stack.region, "GET", url))
    assert status == 403


def test_handler_that_raises_answers_500_and_is_reported(stack: LocalStack) -> None:
    status, _, payload, _ = _call("GET", f"{stack.api_url}/public/broken")
    assert (status, json.loads(payload)) == (500, {"message": "Internal Server Error"})
    (failure,) = stack.failures
    assert (failure.function, failure.error_type) == ("BrokenHttpFunction", "RuntimeError")
    assert "broke on purpose" in failure.traceback


def test_invoke_runs_the_handler_with_its_env_and_a_lambda_context() -> None:
    # Given the stub template with a parameter override
    with stub_stack(Greeting="hi") as stack:
        # When the function is invoked in-process
        response = stack.invoke("EchoFunction", {"rawPath": "/direct"})
        seen = _echoed(response["body"].encode())
        # Then it saw its resolved environment and a usable context
        assert seen["env"] == {
            "GREETING": "hi",
            "AWS_LAMBDA_FUNCTION_NAME": stack.physical_id("EchoFunction"),
            "AWS_ENDPOINT_URL": stack.endpoint_url,
        }
        assert seen["context"]["function_name"] == stack.physical_id("EchoFunction")
        assert seen["context"]["memory_limit_in_mb"] == 256
        assert seen["context"]["invoked_function_arn"].endswith(
            f":function:{stack.physical_id('EchoFunction')}"
        )
        assert 0 < seen["context"]["remaining_ms"] <= 10_000
        # And the function's variables do not leak into the caller's environment
        assert "GREETING" not in os.environ


def test_stop_gives_the_environment_back() -> None:
    before = {
        key: os.environ.get(key) for key in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION")
    }
    with stub_stack() as stack:
        assert os.environ["AWS_ENDPOINT_URL"] == stack.endpoint_url
    after = {key: os.environ.get(key) for key in before}
    assert after == before


def test_only_one_stack_runs_at_a_time_in_a_process(stack: LocalStack) -> None:
    with pytest.raises(RuntimeError, match="another LocalStack"):
        stub_stack().start()
