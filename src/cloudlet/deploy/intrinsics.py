"""The intrinsic-function resolver: any template value -> its value for this deployment.

What lives in services arrives as callbacks (a resource's Ref and attributes once it is
created, exports, other stacks' outputs), so this module stays pure.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
"""

from __future__ import annotations

import base64
import ipaddress
import itertools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from cloudlet.deploy.errors import ValidationError, format_error, template_error
from cloudlet.deploy.references import PSEUDO_PARAMETERS
from cloudlet.deploy.template import Template
from cloudlet.deploy.values import NO_VALUE, to_text

RefLookup = Callable[[str], Any]
"""A created resource's Ref value (its physical id, usually) by logical id."""
GetAttLookup = Callable[[str, str], Any]
"""A created resource's attribute: (logical id, attribute name) -> value."""
ExportLookup = Callable[[str], Any]
"""An export's value by name (Fn::ImportValue), or None when nothing exports it."""
StackOutputLookup = Callable[[str, str, str | None], Any]
"""Another stack's output: (stack name, output name, region or None) -> value or None."""

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def pseudo_parameters(
    account: str,
    region: str,
    stack_name: str,
    stack_id: str,
    notification_arns: list[str] | None = None,
) -> dict[str, Any]:
    """The pseudo parameters of one stack (AWS::NoValue is handled by the resolver)."""
    partition, suffix = "aws", "amazonaws.com"
    if region.startswith("cn-"):
        partition, suffix = "aws-cn", "amazonaws.com.cn"
    elif region.startswith("us-gov-"):
        partition = "aws-us-gov"
    return {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::StackName": stack_name,
        "AWS::StackId": stack_id,
        "AWS::Partition": partition,
        "AWS::URLSuffix": suffix,
        "AWS::NotificationARNs": list(notification_arns or []),
    }


class Resolver:
    """Evaluates template values. Conditions are evaluated on first use, each once, in
    dependency order (a cycle is an error), so `conditions` may also be given precomputed."""

    def __init__(
        self,
        template: Template,
        parameters: Mapping[str, str | list[str]],
        pseudo: Mapping[str, Any],
        *,
        conditions: Mapping[str, bool] | None = None,
        ref: RefLookup | None = None,
        get_att: GetAttLookup | None = None,
        exports: ExportLookup | None = None,
        stack_outputs: StackOutputLookup | None = None,
    ) -> None:
        self.template = template
        self.parameters = parameters
        self.pseudo = pseudo
        self._conditions: dict[str, bool] = dict(conditions or {})
        self._evaluating: list[str] = []
        self._in_conditions = False  # Conditions and Rules may not reference resources
        self._ref = ref
        self._get_att = get_att
        self._exports = exports
        self._stack_outputs = stack_outputs
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._fn_ref,
            "Fn::GetAtt": self._fn_get_att,
            "Fn::Join": self._fn_join,
            "Fn::Sub": self._fn_sub,
            "Fn::Select": self._fn_select,
            "Fn::Split": self._fn_split,
            "Fn::If": self._fn_if,
            "Fn::Equals": self._fn_equals,
            "Fn::And": lambda arg: self._all_or_any(arg, "Fn::And", all),
            "Fn::Or": lambda arg: self._all_or_any(arg, "Fn::Or", any),
            "Fn::Not": self._fn_not,
            "Fn::Contains": self._fn_contains,
            "Fn::EachMemberEquals": self._fn_each_member_equals,
            "Fn::EachMemberIn": self._fn_each_member_in,
            "Fn::FindInMap": self._fn_find_in_map,
            "Fn::Base64": lambda arg: base64.b64encode(self._text(arg, "Fn::Base64").encode()).decode(),
            "Fn::GetAZs": self._fn_get_azs,
            "Fn::ImportValue": self._fn_import_value,
            "Fn::GetStackOutput": self._fn_get_stack_output,
            "Fn::Cidr": self._fn_cidr,
            "Fn::ToJsonString": lambda arg: json.dumps(self.resolve(arg), separators=(",", ":")),
            "Fn::Length": self._fn_length,
        }

    # -- entry points -------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        """A value with every intrinsic evaluated; NO_VALUE keys and items removed.
        The value itself may come back as NO_VALUE (a property to leave out)."""
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            key, arg = next(iter(value.items()))
            function = self._functions.get(key)
            if function is not None:
                return function(arg)
            if key.startswith("Fn::"):
                raise template_error(f"Encountered unsupported function: {key}")
        out = {}
        for key, item in value.items():
            resolved = self.resolve(item)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def properties(self, logical_id: str) -> dict[str, Any]:
        """A resource's Properties, resolved (absent ones as {})."""
        resolved = self.resolve(self.template.properties(logical_id))
        return resolved if isinstance(resolved, dict) else {}

    def condition(self, name: str, where: str = "Fn::If") -> bool:
        """A named condition's value (evaluated once, on first use)."""
        if name in self._conditions:
            return self._conditions[name]
        definition = self.template.conditions.get(name)
        if definition is None:
            raise template_error(f"unresolved condition dependency {name} in {where}")
        if name in self._evaluating:
            cycle = self._evaluating[self._evaluating.index(name) :]
            raise format_error(f"Circular dependency between conditions: [{', '.join(cycle)}]")
        self._evaluating.append(name)
        try:
            self._conditions[name] = self.truth(definition, in_conditions=True)
        finally:
            self._evaluating.pop()
        return self._conditions[name]

    @property
    def conditions(self) -> dict[str, bool]:
        """Every condition of the template, evaluated."""
        for name in self.template.conditions:
            self.condition(name, "Conditions")
        return dict(self._conditions)

    def truth(self, expression: Any, *, in_conditions: bool = False) -> bool:
        """A condition expression (Fn::Equals, Fn::And, {"Condition": name}, ...) as a bool."""
        if isinstance(expression, dict) and len(expression) == 1 and "Condition" in expression:
            name = expression["Condition"]
            if isinstance(name, str):
                return self.condition(name, "Condition")
        saved = self._in_conditions
        self._in_conditions = in_conditions or saved
        try:
            value = self.resolve(expression)
        finally:
            self._in_conditions = saved
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise template_error(f"Condition expression must evaluate to a boolean, not {to_text(value)!r}")

    # -- references ---------------------------------------------------------------------

    def _fn_ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise format_error("Every Ref object must have a single String value.")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            value = self.pseudo[name]
            return list(value) if isinstance(value, list) else value
        if name in self.parameters:
            value = self.parameters[name]
            return list(value) if isinstance(value, list) else value
        if name in self.template.resources and not self._in_conditions:
            if self._ref is None:
                raise template_error(f"Ref to resource {name} cannot be resolved here")
            return self._ref(name)
        if self._in_conditions:
            raise format_error(
                f"Unresolved dependencies [{name}]. Cannot reference resources in the Conditions block of the template"
            )
        raise format_error(
            f"Unresolved resource dependencies [{name}] in the Resources block of the template"
        )

    def _fn_get_att(self, arg: Any) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
            raise template_error("every Fn::GetAtt object requires two non-empty parameters")
        logical_id = arg[0]
        attribute = self._text(arg[1], "Fn::GetAtt")
        if logical_id not in self.template.resources:
            raise template_error(f"instance of Fn::GetAtt references undefined resource {logical_id}")
        if self._in_conditions:
            raise format_error(
                f"Unresolved dependencies [{logical_id}]. Cannot reference resources in the Conditions block of the template"
            )
        if self._get_att is None:
            raise template_error(f"Fn::GetAtt of resource {logical_id} cannot be resolved here")
        return self._get_att(logical_id, attribute)

    # -- strings and lists --------------------------------------------------------------

    def _fn_join(self, arg: Any) -> str:
        message = (
            "every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of "
            "strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined."
        )
        if not isinstance(arg, list) or len(arg) != 2:
            raise template_error(message)
        delimiter, items = self.resolve(arg[0]), self.resolve(arg[1])
        if not isinstance(delimiter, str) or not isinstance(items, list):
            raise template_error(message)
        if any(isinstance(item, dict | list) for item in items):
            raise template_error(message)
        return delimiter.join(to_text(item) for item in items)

    def _fn_sub(self, arg: Any) -> str:
        if isinstance(arg, str):
            text, bound = arg, {}
        elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            text, bound = arg[0], {k: self.resolve(v) for k, v in arg[1].items()}
        else:
            raise template_error("One or more Fn::Sub intrinsic functions don't specify expected arguments. ")

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # ${!Literal} is written out as ${Literal}
            name = name.strip()
            if name in bound:
                value = bound[name]
            elif name in self.pseudo or name in self.parameters or name in self.template.resources:
                value = self._fn_ref(name)
            elif "." in name:
                value = self._fn_get_att(name.split(".", 1))
            else:
                raise format_error(
                    f"Unresolved resource dependencies [{name}] in the Resources block of the template"
                )
            if isinstance(value, list):
                raise template_error(f"Fn::Sub variable {name} is a list, not a string")
            return to_text(value)

        return _SUB_VARIABLE.sub(substitute, text)

    def _fn_select(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            raise template_error(
                "Fn::Select requires a list argument with two elements: an integer index and a list"
            )
        index_value, items = self.resolve(arg[0]), self.resolve(arg[1])
        try:
            index = int(to_text(index_value))
        except ValueError:
            raise template_error(f"Fn::Select index {to_text(index_value)} is not an integer") from None
        if not isinstance(items, list):
            raise template_error(
                "Fn::Select requires a list argument with two elements: an integer index and a list"
            )
        if not 0 <= index < len(items):
            raise template_error(f"Fn::Select cannot select nonexistent value at index {index}")
        return items[index]

    def _fn_split(self, arg: Any) -> list[str]:
        if not isinstance(arg, list) or len(arg) != 2:
            raise template_error(
                "Fn::Split requires a list argument with two elements: a delimiter and a string"
            )
        delimiter = self._text(arg[0], "Fn::Split")
        return self._text(arg[1], "Fn::Split").split(delimiter)

    def _fn_length(self, arg: Any) -> int:
        items = self.resolve(arg)
        if not isinstance(items, list):
            raise template_error("Fn::Length requires a list")
        return len(items)

    def _text(self, value: Any, function: str) -> str:
        resolved = self.resolve(value)
        if isinstance(resolved, dict | list) or resolved is NO_VALUE:
            raise template_error(f"{function} requires a string argument")
        return to_text(resolved)

    # -- conditions ---------------------------------------------------------------------

    def _fn_if(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
            raise template_error("Fn::If requires a list argument with three elements")
        return self.resolve(arg[1] if self.condition(arg[0], "Fn::If") else arg[2])

    def _fn_equals(self, arg: Any) -> bool:
        if not isinstance(arg, list) or len(arg) != 2:
            raise template_error("Fn::Equals requires a list argument with two elements")
        return _comparable(self.resolve(arg[0])) == _comparable(self.resolve(arg[1]))

    def _all_or_any(self, arg: Any, function: str, combine: Callable[[Any], bool]) -> bool:
        if not isinstance(arg, list) or not 2 <= len(arg) <= 10:
            raise template_error(f"{function} requires a list argument with between 2 and 10 elements")
        return combine(self.truth(item) for item in arg)

    def _fn_not(self, arg: Any) -> bool:
        if not isinstance(arg, list) or len(arg) != 1:
            raise template_error("Fn::Not requires a list argument with one element")
        return not self.truth(arg[0])

    def _pair_of_lists(self, arg: Any, function: str) -> tuple[list[str], Any]:
        if not isinstance(arg, list) or len(arg) != 2:
            raise template_error(f"{function} requires a list argument with two elements")
        items = self.resolve(arg[0])
        if not isinstance(items, list):
            raise template_error(f"{function} requires a list of strings as its first element")
        return [to_text(item) for item in items], self.resolve(arg[1])

    def _fn_contains(self, arg: Any) -> bool:
        items, value = self._pair_of_lists(arg, "Fn::Contains")
        return to_text(value) in items

    def _fn_each_member_equals(self, arg: Any) -> bool:
        items, value = self._pair_of_lists(arg, "Fn::EachMemberEquals")
        return all(item == to_text(value) for item in items)

    def _fn_each_member_in(self, arg: Any) -> bool:
        items, allowed = self._pair_of_lists(arg, "Fn::EachMemberIn")
        if not isinstance(allowed, list):
            raise template_error("Fn::EachMemberIn requires a list of strings as its second element")
        return set(items) <= {to_text(v) for v in allowed}

    # -- lookups ------------------------------------------------------------------------

    def _fn_find_in_map(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            raise template_error("Fn::FindInMap requires a list argument with three elements")
        default: Any = NO_VALUE
        if len(arg) == 4:
            option = arg[3]
            if not isinstance(option, dict) or "DefaultValue" not in option:
                raise template_error("Fn::FindInMap's fourth element must be {DefaultValue: value}")
            default = option["DefaultValue"]
        name, top, second = (self._text(item, "Fn::FindInMap") for item in arg[:3])
        mapping = self.template.mappings.get(name)
        if mapping is None:
            if default is not NO_VALUE:
                return self.resolve(default)
            raise template_error(
                f"Mapping named '{name}' is not present in the 'Mappings' section of template."
            )
        level = mapping.get(top)
        if isinstance(level, dict) and second in level:
            return level[second]
        if default is not NO_VALUE:
            return self.resolve(default)
        raise template_error(f"Unable to get mapping for {name}::{top}::{second}")

    def _fn_get_azs(self, arg: Any) -> list[str]:
        region = self._text(arg, "Fn::GetAZs") or str(self.pseudo.get("AWS::Region", ""))
        return [f"{region}{zone}" for zone in "abc"]

    def _fn_import_value(self, arg: Any) -> Any:
        name = self._text(arg, "Fn::ImportValue")
        value = self._exports(name) if self._exports is not None else None
        if value is None:
            raise ValidationError(f"No export named {name} found.")
        return value

    def _fn_get_stack_output(self, arg: Any) -> Any:
        spec = self.resolve(arg)
        if not isinstance(spec, dict) or "StackName" not in spec or "OutputName" not in spec:
            raise template_error("Fn::GetStackOutput requires StackName and OutputName")
        stack, output = to_text(spec["StackName"]), to_text(spec["OutputName"])
        region = to_text(spec["Region"]) if "Region" in spec else None
        value = self._stack_outputs(stack, output, region) if self._stack_outputs is not None else None
        if value is None:
            raise ValidationError(f"Output {output} of stack {stack} does not exist")
        return value

    def _fn_cidr(self, arg: Any) -> list[str]:
        if not isinstance(arg, list) or len(arg) != 3:
            raise template_error("Fn::Cidr requires a list argument with three elements")
        block, count_text, bits_text = (self._text(item, "Fn::Cidr") for item in arg)
        try:
            network = ipaddress.ip_network(block, strict=False)
            count, bits = int(count_text), int(bits_text)
        except ValueError:
            raise template_error(f"Fn::Cidr cannot split {block} with {count_text} and {bits_text}") from None
        prefix = network.max_prefixlen - bits
        if not 1 <= count <= 256 or prefix < network.prefixlen or bits < 1:
            raise template_error(f"Fn::Cidr cannot split {block} into {count} subnets of {bits} bits")
        subnets = [str(net) for net in itertools.islice(network.subnets(new_prefix=prefix), count)]
        if len(subnets) < count:
            raise template_error(f"Fn::Cidr cannot split {block} into {count} subnets of {bits} bits")
        return subnets


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return to_text(value)


def resolve_outputs(template: Template, resolver: Resolver) -> list[dict[str, str]]:
    """The stack's Outputs as DescribeStacks lists them (conditions honoured)."""
    outputs = []
    for key, spec in template.outputs.items():
        condition = spec.get("Condition")
        if isinstance(condition, str) and not resolver.condition(condition, "Outputs"):
            continue
        value = resolver.resolve(spec.get("Value"))
        out = {
            "OutputKey": key,
            "OutputValue": ",".join(map(to_text, value)) if isinstance(value, list) else to_text(value),
        }
        if "Description" in spec:
            out["Description"] = to_text(resolver.resolve(spec["Description"]))
        export = spec.get("Export")
        if isinstance(export, dict) and "Name" in export:
            out["ExportName"] = to_text(resolver.resolve(export["Name"]))
        outputs.append(out)
    return outputs


__all__ = ["NO_VALUE", "PSEUDO_PARAMETERS", "Resolver", "pseudo_parameters", "resolve_outputs"]
