"""A do-nothing S3 server: the ceiling the client allows.

It answers S3's REST-XML protocol (path-style: ``/<bucket>/<key>``) with canned, valid
responses that boto3 accepts, and keeps no buckets and no objects. It runs on the same stack
as cloudlet's server (see bench/null_common.py), so that ``cloudlet / null`` in bench/s3.py
measures cloudlet's own work.

What it answers:

- PutObject: streams the body through MD5 without keeping it and answers ``ETag`` = the MD5
  of the payload. Bodies in ``aws-chunked`` encoding (what current boto3 sends by default,
  with a trailing CRC checksum) are decoded on the fly; the trailing checksum is ignored.
- GetObject / HeadObject: an object whose size is the number that ends the key (``.../1024``
  is 1,024 bytes, ``.../10485760`` is 10 MiB; 1,024 bytes when the key does not end in a
  number; at most 1 GiB), streamed from one canned 1 MiB buffer.
- ListObjectsV2: one canned page of 1,000 keys (``key-0000`` ... ``key-0999``, not truncated).
- CreateBucket, HeadBucket: 200; DeleteObject, DeleteBucket: 204; DeleteObjects: an empty
  DeleteResult; ListBuckets (``GET /``, also the benchmark's readiness check): no buckets.

Run: ``python bench/null_s3.py --port 4600 [--host 127.0.0.1]``.
"""

from __future__ import annotations

import hashlib
import re

from null_common import Headers, Receive, Scope, Send, header, read_body, respond, serve

CHUNK = 1024 * 1024
CANNED = (b"cloudlet null-server canned object bytes " * (CHUNK // 41 + 1))[:CHUNK]
MAX_OBJECT = 1024**3
LAST_MODIFIED = "Tue, 14 Nov 2023 22:13:20 GMT"
XML = [(b"content-type", b"application/xml")]
SIZE_AT_END = re.compile(r"(\d+)$")
NS = "http://s3.amazonaws.com/doc/2006-03-01/"


def _listing_contents() -> str:
    etag = "&quot;" + hashlib.md5(CANNED[:1024], usedforsecurity=False).hexdigest() + "&quot;"
    entry = (
        "<Contents><Key>key-{:04d}</Key><LastModified>2023-11-14T22:13:20.000Z</LastModified>"
        f"<ETag>{etag}</ETag><Size>1024</Size><StorageClass>STANDARD</StorageClass></Contents>"
    )
    return "".join(entry.format(i) for i in range(1000))


LISTING_CONTENTS = _listing_contents()


class AwsChunkedMd5:
    """The MD5 of an aws-chunked body's payload, fed piece by piece; memory stays bounded by
    one chunk-header line. Trailers (the checksum) after the zero-size chunk are skipped."""

    MAX_LINE = 64 * 1024

    def __init__(self) -> None:
        self.md5 = hashlib.md5(usedforsecurity=False)
        self._line = bytearray()
        self._remaining = 0  # payload bytes left in the current chunk
        self._done = False  # the zero-size chunk was seen: the rest is trailers

    def feed(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._done:
            if self._remaining:
                take = min(self._remaining, len(view))
                self.md5.update(view[:take])
                view = view[take:]
                self._remaining -= take
                continue
            end = bytes(view[: self.MAX_LINE]).find(b"\n")
            if end < 0:
                self._line += view
                if len(self._line) > self.MAX_LINE:
                    raise ValueError("aws-chunked header line too long")
                return
            self._line += view[: end + 1]
            view = view[end + 1 :]
            line = bytes(self._line).strip()
            self._line.clear()
            if line:  # else: the CRLF that ends a chunk's data
                size = int(line.split(b";", 1)[0], 16)
                self._remaining = size
                self._done = size == 0


class NullS3App:
    """Raw ASGI app: canned S3 REST-XML answers."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method = scope["method"]
        bucket, _, key = scope["path"].lstrip("/").partition("/")
        if method == "PUT" and key:
            await self.put_object(scope, receive, send)
            return
        await read_body(receive)  # small or empty for everything else
        if method in ("GET", "HEAD") and key:
            await self.get_object(send, key, body=method == "GET")
        elif method == "GET" and bucket:
            await self.list_objects(scope, send, bucket)
        elif method == "GET":
            body = f'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="{NS}"><Buckets/></ListAllMyBucketsResult>'
            await respond(send, 200, body.encode(), XML)
        elif method == "PUT":
            await respond(send, 200, b"", [(b"location", f"/{bucket}".encode())])
        elif method == "POST" and b"delete" in scope["query_string"]:
            body = f'<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="{NS}"></DeleteResult>'
            await respond(send, 200, body.encode(), XML)
        elif method == "DELETE":
            await respond(send, 204, b"", [])
        else:
            await respond(send, 200, b"", [])

    async def put_object(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunked = "aws-chunked" in header(scope, b"content-encoding") or header(
            scope, b"x-amz-content-sha256"
        ).startswith("STREAMING-")
        decoder = AwsChunkedMd5()
        md5 = decoder.md5
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            if chunk:
                if chunked:
                    decoder.feed(chunk)
                else:
                    md5.update(chunk)
            if not message.get("more_body"):
                break
        await respond(send, 200, b"", [(b"etag", f'"{md5.hexdigest()}"'.encode())])

    async def get_object(self, send: Send, key: str, body: bool) -> None:
        match = SIZE_AT_END.search(key)
        size = min(int(match.group(1)), MAX_OBJECT) if match else 1024
        headers: Headers = [
            (b"content-type", b"application/octet-stream"),
            (b"content-length", str(size).encode()),
            (b"etag", b'"00000000000000000000000000000000"'),
            (b"last-modified", LAST_MODIFIED.encode()),
            (b"accept-ranges", b"bytes"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        left = size if body else 0
        while left > CHUNK:
            await send({"type": "http.response.body", "body": CANNED, "more_body": True})
            left -= CHUNK
        await send({"type": "http.response.body", "body": CANNED[:left]})

    async def list_objects(self, scope: Scope, send: Send, bucket: str) -> None:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="{NS}"><Name>{bucket}</Name>'
            f"<Prefix></Prefix><KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
            f"{LISTING_CONTENTS}</ListBucketResult>"
        )
        await respond(send, 200, body.encode(), XML)


def main(argv: list[str] | None = None) -> None:
    serve(lambda args: NullS3App(), __doc__.splitlines()[0] if __doc__ else None, argv, default_port=4600)


if __name__ == "__main__":
    main()
