"""Building and changing a FunctionConfiguration document from CreateFunction /
UpdateFunctionConfiguration arguments (validation as AWS does it)."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.services.awslambda import names, runtimes, store
from cloudlet.services.awslambda.names import invalid, validation
from cloudlet.storage import Database

Doc = dict[str, Any]

# https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
RESERVED_VARIABLES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)
APP_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SYSTEM_LEVELS = ("DEBUG", "INFO", "WARN")
MAX_LAYERS = 5


def apply(db: Database, config: Doc, params: Doc, account: str, region: str, creating: bool) -> None:
    """Set the configuration members `params` names on `config` (in place)."""
    name = config["FunctionName"]
    if "Runtime" in params or creating:
        runtime = params.get("Runtime")
        if runtime is None:
            raise invalid(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages."
            )
        config["Runtime"] = runtimes.check(runtime)
    if "Handler" in params or creating:
        handler = params.get("Handler")
        if not handler:
            raise invalid(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages."
            )
        if len(handler) > 128 or any(c.isspace() for c in handler):
            raise validation(handler, "handler", r"Member must satisfy regular expression pattern: [^\s]+")
        config["Handler"] = handler
    if "Role" in params or creating:
        names.check_role(params.get("Role"))
        config["Role"] = params["Role"]
    if "Description" in params:
        description = params["Description"] or ""
        if len(description) > 256:
            raise validation(description, "description", "Member must have length less than or equal to 256")
        config["Description"] = description
    if "Timeout" in params:
        names.check_range(params["Timeout"], "timeout", 1, 900)
        config["Timeout"] = params["Timeout"]
    if "MemorySize" in params:
        names.check_range(params["MemorySize"], "memorySize", 128, 10240)
        config["MemorySize"] = params["MemorySize"]
    if "Environment" in params:
        _environment(config, params["Environment"] or {})
    if "TracingConfig" in params:
        mode = (params["TracingConfig"] or {}).get("Mode") or "PassThrough"
        if mode not in ("Active", "PassThrough"):
            raise validation(
                mode, "tracingConfig.mode", "Member must satisfy enum value set: [Active, PassThrough]"
            )
        config["TracingConfig"] = {"Mode": mode}
    if "DeadLetterConfig" in params:
        target = (params["DeadLetterConfig"] or {}).get("TargetArn")
        if target:
            if not (target.startswith("arn:aws:sqs:") or target.startswith("arn:aws:sns:")):
                raise invalid(
                    "The provided target arn is invalid: only SQS queues and SNS topics can be a dead-letter target."
                )
            config["DeadLetterConfig"] = {"TargetArn": target}
        else:
            config.pop("DeadLetterConfig", None)
    if "EphemeralStorage" in params:
        size = (params["EphemeralStorage"] or {}).get("Size")
        names.check_range(size, "ephemeralStorage.size", 512, 10240)
        config["EphemeralStorage"] = {"Size": size}
    if "LoggingConfig" in params:
        _logging(config, params["LoggingConfig"] or {})
    elif creating:
        config["LoggingConfig"] = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
    if "Layers" in params:
        _layers(db, config, params["Layers"] or [], account, region)
    for key in ("VpcConfig", "KMSKeyArn", "FileSystemConfigs"):
        if key in params:
            config[key] = params[key]
    if "SnapStart" in params:
        config["SnapStart"] = {
            "ApplyOn": (params["SnapStart"] or {}).get("ApplyOn", "None"),
            "OptimizationStatus": "Off",
        }


def _environment(config: Doc, environment: Doc) -> None:
    variables = environment.get("Variables") or {}
    reserved = sorted(k for k in variables if k in RESERVED_VARIABLES)
    if reserved:
        raise invalid(
            "Lambda was unable to configure your environment variables because the environment variables "
            "you have provided contains reserved keys that are currently not supported for modification. "
            f"Reserved keys used in this request: {', '.join(reserved)}"
        )
    measured = json.dumps(variables, separators=(",", ":"))
    if len(measured.encode()) > 4096:
        raise invalid(
            "Lambda was unable to configure your environment variables because the environment variables "
            f"you have provided exceeded the 4KB limit. String measured: {measured}"
        )
    config["Environment"] = {"Variables": dict(variables)}


def _logging(config: Doc, given: Doc) -> None:
    current = dict(config.get("LoggingConfig") or {"LogFormat": "Text"})
    current.update({k: v for k, v in given.items() if v is not None})
    log_format = current.get("LogFormat") or "Text"
    if log_format not in ("Text", "JSON"):
        raise validation(
            log_format, "loggingConfig.logFormat", "Member must satisfy enum value set: [Text, JSON]"
        )
    app, system = current.get("ApplicationLogLevel"), current.get("SystemLogLevel")
    if app is not None and app not in APP_LEVELS:
        raise validation(
            app,
            "loggingConfig.applicationLogLevel",
            f"Member must satisfy enum value set: [{', '.join(APP_LEVELS)}]",
        )
    if system is not None and system not in SYSTEM_LEVELS:
        raise validation(
            system,
            "loggingConfig.systemLogLevel",
            f"Member must satisfy enum value set: [{', '.join(SYSTEM_LEVELS)}]",
        )
    if log_format == "JSON":
        current.setdefault("ApplicationLogLevel", "INFO")
        current.setdefault("SystemLogLevel", "INFO")
    else:  # log levels only apply to the JSON format
        current.pop("ApplicationLogLevel", None)
        current.pop("SystemLogLevel", None)
    current["LogFormat"] = log_format
    current.setdefault("LogGroup", f"/aws/lambda/{config['FunctionName']}")
    config["LoggingConfig"] = current


def _layers(db: Database, config: Doc, arns: list[str], account: str, region: str) -> None:
    if len(arns) > MAX_LAYERS:
        raise invalid(f"Cannot reference more than {MAX_LAYERS} layers.")
    layers, dirs = [], []
    for arn in arns:
        parsed = names.parse_layer_version_arn(arn)
        if parsed is None:
            raise validation(
                f"[{', '.join(arns)}]",
                "layers",
                "Member must satisfy constraint: [Member must have length less than or equal to 140, "
                "Member must have length greater than or equal to 1, Member must satisfy regular "
                r"expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)"
                r"|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)]",
            )
        layer = store.layer_version(db, *parsed)
        if layer is None:
            raise invalid(f"Layer version {arn} does not exist.")
        layers.append({"Arn": arn, "CodeSize": layer["Content"]["CodeSize"]})
        dirs.append(layer["_dir"])
    if layers:
        config["Layers"] = layers
    else:
        config.pop("Layers", None)
    config["_layer_dirs"] = dirs


def new_config(name: str, arn: str, params: Doc) -> Doc:
    """The defaults of a new function's $LATEST, before apply()."""
    return {
        "FunctionName": name,
        "FunctionArn": arn,
        "Description": "",
        "Timeout": 3,
        "MemorySize": 128,
        "Version": names.LATEST,
        "TracingConfig": {"Mode": "PassThrough"},
        "PackageType": params.get("PackageType") or "Zip",
        "Architectures": list(params.get("Architectures") or ["x86_64"]),
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
    }


def set_code(config: Doc, sha256: str, size: int, directory: str, zip_path: str | None) -> None:
    config["CodeSha256"] = sha256
    config["CodeSize"] = size
    config["_code_dir"] = directory
    config["_zip"] = zip_path
