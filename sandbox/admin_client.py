"""A small client for the admin API, signing each request with SigV4 as API Gateway's AWS_IAM
authorisation requires. Used by the demo and the integration tests (and usable against a deployed
stack with real credentials)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest


class AdminApiError(RuntimeError):
    def __init__(self, status_code: int, body: str) -> None:
        super().__init__(f"admin API answered {status_code}: {body}")
        self.status_code = status_code
        self.body = body


class AdminClient:
    def __init__(self, api_url: str, *, region: str | None = None, timeout: float = 30.0) -> None:
        session = boto3.session.Session()
        credentials = session.get_credentials()
        if credentials is None:
            raise RuntimeError("no AWS credentials to sign admin requests with")
        self._credentials = credentials.get_frozen_credentials()
        self._region = region or session.region_name or "us-east-1"
        self._api_url = api_url.rstrip("/")
        self._http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, body: Any = None, *, expect: int | None = None) -> Any:
        url = f"{self._api_url}{path}"
        data = json.dumps(body).encode() if body is not None else b""
        headers = {"content-type": "application/json"} if body is not None else {}
        signed = AWSRequest(method=method, url=url, data=data, headers=headers)
        SigV4Auth(self._credentials, "execute-api", self._region).add_auth(signed)
        response = self._http.request(method, url, content=data, headers=dict(signed.headers.items()))
        if expect is not None and response.status_code != expect:
            raise AdminApiError(response.status_code, response.text)
        return response.json() if response.content else None

    def put_program(self, program: dict[str, Any]) -> Any:
        return self.request("PUT", f"/admin/programs/{program['program_id']}", program, expect=200)

    def start_run(self, program_id: str) -> Any:
        return self.request("POST", f"/admin/programs/{program_id}/runs", expect=202)

    def get_run(self, run_id: str) -> Any:
        return self.request("GET", f"/admin/runs/{run_id}", expect=200)

    def decide(self, run_id: str, decisions: dict[str, Any]) -> Any:
        return self.request("POST", f"/admin/runs/{run_id}/decisions", decisions, expect=200)

    def request_sync(self, mode: str = "full") -> Any:
        return self.request("POST", "/admin/sync", {"mode": mode}, expect=202)
