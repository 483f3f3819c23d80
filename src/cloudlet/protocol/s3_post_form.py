"""The multipart/form-data body of an S3 POST Object, read as it arrives.

The fields before the file are kept (S3 allows 20 KB of them), the file's bytes are handed
to a sink as they come (the caller spools them to disk), and whatever follows the file is
ignored, as S3 does. https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from cloudlet.errors import ServiceError

MAX_FIELD_BYTES = 20 * 1024  # the form fields before the file


@dataclass
class PostForm:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str = ""
    size: int = 0  # of the file
    has_file: bool = False


def malformed() -> ServiceError:
    return ServiceError(
        "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", 400
    )


class FormReader:
    """Feed it the body piece by piece, then finish() for the form."""

    def __init__(self, content_type: str, sink: Callable[[bytes], None]) -> None:
        kind, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise malformed()
        self.form = PostForm()
        self._sink = sink
        self._field_bytes = 0
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._name = ""
        self._value = bytearray()
        self._state = "field"  # of the current part: "field", "file" or "after" the file
        self._ended = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": lambda data, start, end: self._header_name.extend(data[start:end]),
                "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_end": self._end,
            },
        )

    def feed(self, data: bytes) -> None:
        try:
            self._parser.write(data)
        except MultipartParseError as exc:
            raise malformed() from exc

    def finish(self) -> PostForm:
        if not self._ended and not self.form.has_file:
            raise malformed()
        if not self.form.has_file:
            raise ServiceError("InvalidArgument", "POST requires exactly one file upload per request.", 400)
        return self.form

    def _part_begin(self) -> None:
        self._disposition = b""
        self._value.clear()

    def _header_end(self) -> None:
        if bytes(self._header_name).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        if self._state == "after":
            return
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._name = name
        if name.lower() == "file":
            self._state = "file"
            self.form.has_file = True
            self.form.filename = options.get(b"filename", b"").decode("utf-8", "replace")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._state == "file":
            self.form.size += end - start
            self._sink(data[start:end])
        elif self._state == "field":
            self._field_bytes += end - start
            if self._field_bytes > MAX_FIELD_BYTES:
                raise ServiceError(
                    "MaxPostPreDataLengthExceeded",
                    "Your POST request fields preceding the upload file were too large.",
                    400,
                )
            self._value.extend(data[start:end])

    def _part_end(self) -> None:
        if self._state == "file":
            self._state = "after"  # S3 ignores the fields after the file
        elif self._state == "field" and self._name:
            self.form.fields[self._name] = self._value.decode("utf-8", "replace")

    def _end(self) -> None:
        self._ended = True
