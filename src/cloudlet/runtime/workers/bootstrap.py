"""The Lambda worker: runs inside the child process, imports the handler once, then loops
next -> invoke -> respond, like AWS's Python runtime (awslambdaric).

Standard library only, and never cloudlet: the child starts fast and sees nothing of the
server. The protocol with the parent (runtime/workers/process.py), over two pipes:

- parent -> child, on the child's original stdin: 4-byte big-endian length, then a JSON
  header line (request id, deadline, ARN, client context, identity), "\\n", the event bytes;
- child -> parent, on the child's original stdout: 4-byte length, then one kind byte and
  its body: b"L" one log event (UTF-8), b"I" init done (JSON: {} or {"error": {...}}),
  b"R" a result (status b"0" ok / b"1" error, 4-byte max RSS in KiB, the JSON payload).

fd 0 becomes /dev/null and fd 1 a copy of fd 2 (the parent reads fd 2 as stray output), so
nothing the handler or a C extension writes can corrupt the protocol; sys.stdout,
sys.stderr and the root logger send log frames, which reach the parent before the result.
"""

from __future__ import annotations

import importlib
import io
import json
import logging
import os
import resource
import struct
import sys
import threading
import time
import traceback
from typing import Any

_LENGTH = struct.Struct(">I")
_RESULT = struct.Struct(">cI")  # status, max RSS (KiB)
_ENSURE_ASCII = os.environ.get("AWS_EXECUTION_ENV", "") in {
    f"AWS_Lambda_python3.{minor}" for minor in range(12)
}
_HERE = os.path.dirname(os.path.abspath(__file__))
_LEVELS = {"TRACE": 10, "DEBUG": 10, "INFO": 20, "WARN": 30, "ERROR": 40, "FATAL": 50}
_RESERVED_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"aws_request_id", "tenant_id"}
_ERROR_INDENT = "\u00a0"  # the runtime indents stack lines with NO-BREAK SPACEs in the log
_UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare"
    " cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes,"
    " runtime updates can be triggered by a function change, or can be applied automatically. To determine if the"
    " runtime has been updated, check the runtime version in the INIT_START log entry. If this error correlates with"
    " a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the"
    " previous runtime version. For more information, see"
    " https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

_request_id = ""


class Channel:
    """The two protocol pipes; frames are written whole, under a lock (handler threads)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.lock = threading.Lock()

    def send(self, kind: bytes, body: bytes) -> None:
        data = _LENGTH.pack(len(body) + 1) + kind + body
        with self.lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self.write_fd, view) :]

    def receive(self) -> bytes | None:
        head = self._read(4)
        if head is None:
            return None
        return self._read(_LENGTH.unpack(head)[0])

    def _read(self, size: int) -> bytes | None:
        chunks = []
        while size:
            chunk = os.read(self.read_fd, size)
            if not chunk:
                return None
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def log(self, text: str) -> None:
        self.send(b"L", text.encode("utf-8", "replace"))


class LogWriter(io.TextIOBase):
    """sys.stdout / sys.stderr: one log event per line (as Lambda splits stdout)."""

    def __init__(self, channel: Channel) -> None:
        super().__init__()
        self.channel = channel
        self.pending = ""
        self.lock = threading.Lock()
        self.buffer = _BinaryWriter(self)  # for code that writes bytes to sys.stdout.buffer

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "replace"

    def write(self, text: str) -> int:
        with self.lock:
            self.pending += text
            if "\n" in self.pending:
                *lines, self.pending = self.pending.split("\n")
                for line in lines:
                    self.channel.log(line)
        return len(text)

    def flush(self) -> None:
        with self.lock:
            if self.pending:
                line, self.pending = self.pending, ""
                self.channel.log(line)

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return 2


class _BinaryWriter(io.RawIOBase):
    def __init__(self, text: LogWriter) -> None:
        super().__init__()
        self.text = text

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        self.text.flush()


class LogHandler(logging.Handler):
    """The root logger's handler: one event per record, multi-line messages kept whole."""

    def __init__(self, channel: Channel) -> None:
        super().__init__()
        self.channel = channel

    def emit(self, record: logging.LogRecord) -> None:
        try:
            record.aws_request_id = _request_id
            self.channel.log(self.format(record).rstrip("\n"))
        except Exception:
            self.handleError(record)


class TextFormatter(logging.Formatter):
    converter = time.gmtime  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )


class JsonFormatter(logging.Formatter):
    """AWS's JSON log format for Python (awslambdaric's JsonFormatter; docs: "Using the Lambda
    JSON log format with Python"): levels rounded down to the standard ones, extra record
    attributes as fields, None fields dropped."""

    def format(self, record: logging.LogRecord) -> str:
        level = min(50, max(0, record.levelno)) // 10 * 10
        moment = time.gmtime(record.created)
        exc_info = record.exc_info if record.exc_info and record.exc_info[0] is not None else None
        out: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", moment) + f".{int(record.msecs):03d}Z",
            "level": logging.getLevelName(level),
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc_info[2]) if exc_info else None,
            "errorType": exc_info[0].__name__ if exc_info and exc_info[0] else None,
            "errorMessage": str(exc_info[1]) if exc_info else None,
            "requestId": _request_id,
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if exc_info else None,
        }
        out.update((k, v) for k, v in vars(record).items() if k not in _RESERVED_FIELDS and k not in out)
        return json.dumps({k: v for k, v in out.items() if v is not None}, ensure_ascii=False, default=str)


# -- the context object (awslambdaric.lambda_context) --------------------------------------------


class CognitoIdentity:
    def __init__(self, identity: dict[str, Any] | None) -> None:
        identity = identity or {}
        self.cognito_identity_id = identity.get("cognitoIdentityId") or identity.get("cognito_identity_id")
        self.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId") or identity.get(
            "cognito_identity_pool_id"
        )

    def __repr__(self) -> str:
        return f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},cognito_identity_pool_id={self.cognito_identity_pool_id}])"


class Client:
    def __init__(self, client: dict[str, Any]) -> None:
        self.installation_id = client.get("installation_id")
        self.app_title = client.get("app_title")
        self.app_version_name = client.get("app_version_name")
        self.app_version_code = client.get("app_version_code")
        self.app_package_name = client.get("app_package_name")


class ClientContext:
    def __init__(self, context: dict[str, Any]) -> None:
        client = context.get("client")
        self.client = Client(client) if isinstance(client, dict) else None
        self.custom = context.get("custom")
        self.env = context.get("env")


class LambdaContext:
    def __init__(self, header: dict[str, Any]) -> None:
        self.aws_request_id: str = header["id"]
        self.invoked_function_arn: str = header["arn"]
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = CognitoIdentity(header.get("identity"))
        context = _client_context(header.get("cc"))
        self.client_context = ClientContext(context) if context is not None else None
        self.tenant_id = header.get("tenant")
        self._deadline_ms: float = header["deadline"]

    def get_remaining_time_in_millis(self) -> int:
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, message: str) -> None:
        sys.stdout.write(message)

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
            f"identity={self.identity}])"
        )


def _client_context(raw: str | None) -> dict[str, Any] | None:
    """ClientContext arrives base64-encoded JSON (the X-Amz-Client-Context header)."""
    if not raw:
        return None
    import base64  # rarely needed: not at start-up

    for decode in (lambda text: base64.b64decode(text, validate=True), lambda text: text.encode()):
        try:
            value = json.loads(decode(raw))
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


# -- errors, as awslambdaric shapes them ----------------------------------------------------------


def make_error(message: str, error_type: str, stack: list[str], request_id: str) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack}


def user_stack(tb: Any) -> list[str]:
    """The traceback without the bootstrap's own leading frames."""
    frames = traceback.extract_tb(tb)
    while frames and os.path.dirname(os.path.abspath(frames[0].filename)) == _HERE:
        frames.pop(0)
    return traceback.format_list(frames)


def log_error(channel: Channel, error: dict[str, Any]) -> None:
    """The error as the runtime logs it: one event (JSON in the JSON log format)."""
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON":
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        channel.log(json.dumps({"timestamp": stamp, "level": "ERROR", **error}, ensure_ascii=False))
        return
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"] + (":" if error["errorMessage"] else "")
    if error["errorMessage"]:
        description += " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for entry in error["stackTrace"]:
        for line in entry.splitlines() or [""]:
            stripped = line.lstrip(" ")
            lines.append(_ERROR_INDENT * (len(line) - len(stripped)) + stripped)
    channel.log("\n".join(lines))


class InitError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error["errorMessage"])
        self.error = error


def load_handler(handler: str) -> Any:
    """Import the handler's module, as awslambdaric does (its error types and wordings)."""
    try:
        module_path, function_name = handler.rsplit(".", 1)
    except ValueError as exc:
        raise InitError(
            make_error(f"Bad handler '{handler}': {exc}", "Runtime.MalformedHandlerName", [], "")
        ) from None
    try:
        if module_path.split(".")[0] in sys.builtin_module_names:
            message = f"Cannot use built-in module {module_path} as a handler module"
            raise InitError(make_error(message, "Runtime.BuiltInModuleConflict", [], ""))
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as exc:
        message = f"Unable to import module '{module_path}': {exc}"
        raise InitError(make_error(message, "Runtime.ImportModuleError", [], "")) from None
    except SyntaxError as exc:
        stack = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        message = f"Syntax error in module '{module_path}': {exc}"
        raise InitError(make_error(message, "Runtime.UserCodeSyntaxError", stack, "")) from None
    except InitError:
        raise
    except Exception as exc:
        raise InitError(make_error(str(exc), type(exc).__name__, user_stack(exc.__traceback__), "")) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        message = f"Handler '{function_name}' missing on module '{module_path}'"
        raise InitError(make_error(message, "Runtime.HandlerNotFound", [], "")) from None


def _decimal(value: Any) -> Any:
    if type(value).__name__ == "Decimal":  # awslambdaric writes Decimals as numbers
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def marshal(result: Any) -> bytes:
    """awslambdaric's marshaller: bytes go out as they are; python3.12 and later keep
    non-ASCII characters unescaped."""
    if isinstance(result, bytes):
        return result
    return json.dumps(result, default=_decimal, ensure_ascii=_ENSURE_ASCII).encode()


class _Fault(Exception):
    """A failure of the runtime itself (awslambdaric's FaultException): no stack trace."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type


def invoke(channel: Channel, function: Any, message: bytes) -> None:
    global _request_id
    header_line, _, event_bytes = message.partition(b"\n")
    header = json.loads(header_line)
    _request_id = header["id"]
    try:
        try:
            event = json.loads(event_bytes) if event_bytes.strip() else {}
        except ValueError as exc:
            raise _Fault(f"Unable to unmarshal input: {exc}", "Runtime.UnmarshalError") from None
        result = function(event, LambdaContext(header))
        try:
            body, status = marshal(result), b"0"
        except (TypeError, ValueError) as exc:
            raise _Fault(f"Unable to marshal response: {exc}", "Runtime.MarshalError") from None
    except _Fault as fault:
        error = make_error(fault.message, fault.error_type, [], _request_id)
        log_error(channel, error)
        body, status = json.dumps(error).encode(), b"1"
    except Exception as exc:
        error = make_error(str(exc), type(exc).__name__, user_stack(exc.__traceback__), _request_id)
        log_error(channel, error)
        body, status = json.dumps(error).encode(), b"1"
    sys.stdout.flush()
    sys.stderr.flush()
    max_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    channel.send(b"R", _RESULT.pack(status, max_rss_kib) + body)


def setup_logging(channel: Channel) -> None:
    handler = LogHandler(channel)
    root = logging.getLogger()
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON":
        handler.setFormatter(JsonFormatter())
        level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
        if level in _LEVELS:
            root.setLevel(_LEVELS[level])
    else:
        handler.setFormatter(TextFormatter())
    root.handlers = [handler]


def main() -> None:
    # sys.path: the code, then each layer, like /var/task and /opt/python[/lib/...].
    paths = [path for path in json.loads(sys.argv[1]) if path]
    sys.path[:] = paths + [path for path in sys.path if path and os.path.abspath(path) != _HERE]
    channel = Channel(os.dup(0), os.dup(1))
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - for the process's life
    sys.stdout = LogWriter(channel)  # type: ignore[assignment]
    sys.stderr = LogWriter(channel)  # type: ignore[assignment]
    setup_logging(channel)
    try:
        function = load_handler(os.environ.get("_HANDLER", ""))
    except InitError as failure:
        logging.warning(_UNHANDLED_WARNING)
        log_error(channel, failure.error)
        sys.stdout.flush()
        channel.send(b"I", json.dumps({"error": failure.error}).encode())
        os._exit(0)
    sys.stdout.flush()
    channel.send(b"I", b"{}")
    while (message := channel.receive()) is not None:
        invoke(channel, function, message)


if __name__ == "__main__":
    main()
