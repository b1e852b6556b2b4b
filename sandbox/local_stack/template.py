"""Reads a SAM template into plain data: the resources to create and the event wiring to emulate.

Everything the local stack does is derived from here, so a change to template.yaml changes the local
stack too; anything the stack cannot emulate is rejected by name instead of being skipped.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SERVERLESS_FUNCTION = "AWS::Serverless::Function"
SERVERLESS_HTTP_API = "AWS::Serverless::HttpApi"

# Event source types the local stack wires; any other type in the template is an error at start.
SUPPORTED_EVENT_TYPES = frozenset({"HttpApi", "SQS", "EventBridgeRule", "Schedule", "ScheduleV2"})


class TemplateError(ValueError):
    """The template cannot be read or uses something the local stack does not emulate."""


class _CfnLoader(yaml.SafeLoader):
    """PyYAML loader that turns CloudFormation short-form tags (!Ref, !GetAtt, !Sub...) into long form."""


def _construct_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template_document(path: str | Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML (or JSON) file into long-form intrinsics."""
    text = Path(path).read_text(encoding="utf-8")
    document = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass with tag constructors
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources mapping)")
    return document


def merge_globals(global_props: Mapping[str, Any], own_props: Mapping[str, Any]) -> dict[str, Any]:
    """SAM's Globals rule: maps merge (the resource wins), lists concatenate, scalars are overridden."""
    merged: dict[str, Any] = copy.deepcopy(dict(global_props))
    for key, value in own_props.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = merge_globals(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            merged[key] = current + copy.deepcopy(value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


@dataclass(frozen=True)
class EventSource:
    """One entry of a function's `Events`, as the template states it (values still unresolved)."""

    function: str
    event_id: str
    type: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class FunctionSpec:
    """A serverless function with Globals applied."""

    logical_id: str
    properties: Mapping[str, Any]
    events: tuple[EventSource, ...]

    @property
    def handler(self) -> str:
        return str(self.properties["Handler"])

    @property
    def timeout_seconds(self) -> int:
        return int(self.properties.get("Timeout", 3))

    @property
    def memory_mb(self) -> int:
        return int(self.properties.get("MemorySize", 128))


@dataclass(frozen=True)
class Template:
    """The parts of a SAM template the local stack acts on."""

    document: Mapping[str, Any]
    functions: Mapping[str, FunctionSpec] = field(default_factory=dict)

    @property
    def resources(self) -> Mapping[str, Mapping[str, Any]]:
        resources: Mapping[str, Mapping[str, Any]] = self.document["Resources"]
        return resources

    @property
    def parameters(self) -> Mapping[str, Mapping[str, Any]]:
        parameters: Mapping[str, Mapping[str, Any]] = self.document.get("Parameters") or {}
        return parameters

    @property
    def conditions(self) -> Mapping[str, Any]:
        conditions: Mapping[str, Any] = self.document.get("Conditions") or {}
        return conditions

    @property
    def outputs(self) -> Mapping[str, Mapping[str, Any]]:
        outputs: Mapping[str, Mapping[str, Any]] = self.document.get("Outputs") or {}
        return outputs

    def event_sources(self) -> list[EventSource]:
        """Every event source of every function, in template order: the wiring table to emulate."""
        return [event for spec in self.functions.values() for event in spec.events]

    def resource_type(self, logical_id: str) -> str:
        resource = self.resources.get(logical_id)
        if resource is None:
            raise TemplateError(f"no resource {logical_id!r} in the template")
        return str(resource["Type"])


def parse_template(path: str | Path) -> Template:
    """Load a template and apply SAM Globals to its functions."""
    document = load_template_document(path)
    function_globals = (document.get("Globals") or {}).get("Function") or {}
    functions: dict[str, FunctionSpec] = {}
    for logical_id, resource in document["Resources"].items():
        if resource.get("Type") != SERVERLESS_FUNCTION:
            continue
        properties = merge_globals(function_globals, resource.get("Properties") or {})
        if "Handler" not in properties:
            raise TemplateError(f"{logical_id}: Properties.Handler is required")
        events = tuple(
            EventSource(
                function=logical_id,
                event_id=event_id,
                type=str(event.get("Type")),
                properties=event.get("Properties") or {},
            )
            for event_id, event in (properties.get("Events") or {}).items()
        )
        for event in events:
            if event.type not in SUPPORTED_EVENT_TYPES:
                raise TemplateError(
                    f"{logical_id}.Events.{event.event_id}: type {event.type!r} is not emulated by the "
                    f"local stack (supported: {sorted(SUPPORTED_EVENT_TYPES)})"
                )
        functions[logical_id] = FunctionSpec(logical_id=logical_id, properties=properties, events=events)
    return Template(document=document, functions=functions)
