"""Templates: JSON or YAML text (with the short-form intrinsics) -> one validated Template.

The YAML short forms become the long forms CloudFormation documents ("!GetAtt A.B" ->
{"Fn::GetAtt": ["A", "B"]}, "!Ref X" -> {"Ref": "X"}, "!Condition C" -> {"Condition": "C"}),
as the AWS CLI's `cloudformation package` does. Unquoted YAML dates (the usual
`AWSTemplateFormatVersion: 2010-09-09`) stay strings: CloudFormation has no date type.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cloudlet.deploy.errors import ValidationError, format_error, template_error
from cloudlet.deploy.references import check_condition_names, check_references

FORMAT_VERSION = "2010-09-09"
SECTIONS = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Hooks",
)
RESOURCE_ATTRIBUTES = frozenset(
    {
        "Type",
        "Properties",
        "DependsOn",
        "Condition",
        "Metadata",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "UpdatePolicy",
        "CreationPolicy",
        "Description",
        "Version",
    }
)
# Every short form CloudFormation (and its LanguageExtensions / Rules functions) accepts.
SHORT_FORMS = (
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "GetStackOutput",
    "ImportValue",
    "Join",
    "Length",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "RefAll",
    "ValueOf",
    "ValueOfAll",
)
_ALNUM = re.compile(r"^[A-Za-z0-9]+$")


class TemplateLoader(yaml.SafeLoader):
    """SafeLoader with CloudFormation's short-form tags and without YAML timestamps."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Keys are strings in CloudFormation, written as they stand: a Mappings key
        # `123456789012:` (an account id) or `0123:` must match a Ref's string.
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag in _TYPED_SCALARS:
                key_node.tag = "tag:yaml.org,2002:str"
        return super().construct_mapping(node, deep=deep)


_TYPED_SCALARS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool", "null"))


# Drop the timestamp resolver for this class only (the dict is shared with SafeLoader).
TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node, deep=True)


def _short_form(key: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        value = _node_value(loader, node)
        if key == "Fn::GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {key: value}

    return construct


TemplateLoader.add_constructor("!Ref", _short_form("Ref"))
TemplateLoader.add_constructor("!Condition", _short_form("Condition"))
for _name in SHORT_FORMS:
    TemplateLoader.add_constructor(f"!{_name}", _short_form(f"Fn::{_name}"))


def parse_template(text: str) -> dict[str, Any]:
    """The template body as plain dicts/lists: JSON when it parses as JSON, else YAML
    (a YAML flow mapping also starts with "{")."""
    json_error: json.JSONDecodeError | None = None
    if text.lstrip().startswith("{"):
        try:
            body = json.loads(text)
        except json.JSONDecodeError as e:
            json_error = e
    if json_error is not None or not text.lstrip().startswith("{"):
        try:
            body = yaml.load(text, Loader=TemplateLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as e:
            if json_error is not None:
                where = f"(line {json_error.lineno}, column {json_error.colno})"
                raise format_error(f"JSON not well-formed. {where}") from None
            mark = getattr(e, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
            raise format_error(f"YAML not well-formed.{where}") from None
    if not isinstance(body, dict):
        raise format_error("unsupported structure.")
    return body


@dataclass(frozen=True)
class Template:
    """A validated template body with typed access to its sections."""

    body: dict[str, Any]

    def _section(self, name: str) -> dict[str, Any]:
        value = self.body.get(name)
        return value if isinstance(value, dict) else {}

    @property
    def description(self) -> str | None:
        value = self.body.get("Description")
        return value if isinstance(value, str) else None

    @property
    def parameters(self) -> dict[str, dict[str, Any]]:
        return self._section("Parameters")

    @property
    def mappings(self) -> dict[str, dict[str, Any]]:
        return self._section("Mappings")

    @property
    def conditions(self) -> dict[str, Any]:
        return self._section("Conditions")

    @property
    def rules(self) -> dict[str, dict[str, Any]]:
        return self._section("Rules")

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self._section("Resources")

    @property
    def outputs(self) -> dict[str, dict[str, Any]]:
        return self._section("Outputs")

    @property
    def transforms(self) -> list[str]:
        """Macro names in `Transform` (a SAM template has AWS::Serverless-2016-10-31)."""
        value = self.body.get("Transform")
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        return [item if isinstance(item, str) else str(item.get("Name", "")) for item in items]

    def resource_type(self, logical_id: str) -> str:
        return str(self.resources[logical_id]["Type"])

    def properties(self, logical_id: str) -> dict[str, Any]:
        props = self.resources[logical_id].get("Properties")
        return props if isinstance(props, dict) else {}


def load_template(text: str, *, validate: bool = True) -> Template:
    """Parse and (by default) validate a template's text."""
    template = Template(parse_template(text))
    if validate:
        validate_template(template)
    return template


def load_template_file(path: str | Path, *, validate: bool = True) -> Template:
    return load_template(Path(path).read_text(encoding="utf-8"), validate=validate)


def validate_template(template: Template) -> None:
    """The structural checks CloudFormation makes before evaluating anything.
    A template with a Transform is checked after its macros run (as CloudFormation does),
    so here only its top level is checked."""
    body = template.body
    unknown = [key for key in body if key not in SECTIONS]
    if unknown:
        raise format_error(f"Invalid template property or properties [{', '.join(unknown)}]")
    version = body.get("AWSTemplateFormatVersion")
    if version is not None and str(version) != FORMAT_VERSION:
        raise format_error(f"Unsupported AWSTemplateFormatVersion: {version}")
    if "Description" in body and not isinstance(body["Description"], str):
        raise format_error("Every Description member must be a string.")
    for section in ("Parameters", "Mappings", "Conditions", "Outputs", "Rules", "Metadata"):
        if section in body and not isinstance(body[section], dict):
            raise format_error(f"The {section} section must be a JSON object.")
    resources = body.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise format_error("At least one Resources member must be defined.")
    if template.transforms:
        return
    _check_parameters(template)
    _check_mappings(template)
    for logical_id, resource in resources.items():
        _check_resource(logical_id, resource)
    for name, output in template.outputs.items():
        if not _ALNUM.match(name):
            raise format_error(f"Output {name} is non alphanumeric.")
        if not isinstance(output, dict) or "Value" not in output:
            raise format_error("Every Outputs member must contain a Value object")
    check_references(template)
    check_condition_names(template)


def _check_parameters(template: Template) -> None:
    for name, spec in template.parameters.items():
        if not _ALNUM.match(name):
            raise format_error(f"Parameter name {name} is non alphanumeric.")
        if not isinstance(spec, dict) or "Type" not in spec:
            raise format_error("Every Parameters object must contain a Type member.")
        if name in template.resources:
            raise template_error(
                f"all resources and parameters must have unique names. Common name(s):[{name}]"
            )


def _check_mappings(template: Template) -> None:
    for name, mapping in template.mappings.items():
        if not isinstance(mapping, dict) or not all(isinstance(v, dict) for v in mapping.values()):
            raise format_error(f"Mappings attribute for {name} must be a map of maps")


def _check_resource(logical_id: str, resource: Any) -> None:
    if not _ALNUM.match(logical_id):
        raise format_error(f"Resource name {logical_id} is non alphanumeric.")
    if not isinstance(resource, dict):
        raise format_error(f"[/Resources/{logical_id}] Any Resources member must be an object.")
    if not isinstance(resource.get("Type"), str) or not resource["Type"]:
        raise format_error(f"[/Resources/{logical_id}] Every Resources object must contain a Type member.")
    for key in resource:
        if key not in RESOURCE_ATTRIBUTES:
            raise format_error(f"Invalid template resource property '{key}'")
    if "Properties" in resource and not isinstance(resource["Properties"], dict):
        raise format_error(f"[/Resources/{logical_id}/Properties] Properties must be an object.")


__all__ = [
    "Template",
    "TemplateLoader",
    "ValidationError",
    "load_template",
    "load_template_file",
    "parse_template",
    "validate_template",
]
