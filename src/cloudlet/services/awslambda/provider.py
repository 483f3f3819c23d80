"""Lambda: functions, versions, aliases, layers, permissions, invoke, async invokes and
event source mappings. Each concern is a mixin in its own module; this class joins them.

Control plane: functions.py (create/get/list/update/delete, tags), versions.py (versions,
aliases), layers.py, permissions.py (resource policies), concurrency.py (reserved
concurrency, account settings), invoke_ops.py (Invoke). Shared lookups and the seams the
other parts use (resolve, function_row) are in core.py; validation wording in names.py and
settings_doc.py; deployment packages in code.py.

Local code ("hot reload"): Code {S3Bucket: "hot-reload", S3Key: "/absolute/dir"} (LocalStack's
convention; "__local__" works too) runs that directory itself, so edits take effect on the
next cold start without a new upload. CodeSha256 is then "hot-reloading-hash-not-available".

LIMITATIONS (async invokes: async_invokes.py; event source mappings: mappings.py; how code
runs: runtime/invoker.py):
    - Only PackageType Zip; container images (ImageUri) are refused.
    - Only Python runtimes run, on the server's own interpreter (whatever python3.x the
      function names; one log line notes the difference). Other current runtimes are stored
      and refuse to run (InvalidRuntimeException).
    - Functions become Active (and updates Successful) as soon as the background settles; no
      function ever fails to become Active, and invoking a Pending function is allowed.
    - Resource policies are stored and rendered, not enforced; IAM roles are not checked.
    - Alias routing weights are stored; the alias's primary version always runs.
    - Code.Location and layer Content.Location are file:// URLs of the zip on the server's
      disk, not presigned S3 URLs.
    - VpcConfig, FileSystemConfigs, KMSKeyArn, SnapStart, TracingConfig are stored only.
    - Function URLs, provisioned concurrency, code signing, recursion config, runtime
      management config and layer version permissions answer 501.
    - Stored packages (<data dir>/lambda/code/<sha256>/ and .zip) are never garbage-collected.
    - A request over the limits (6 MB sync / 1 MB Event payload, 50 MB zip) is refused after
      it was received in full.
    - Markers are offsets into the sorted listing; concurrent creates may shift pages.
"""

from __future__ import annotations

from cloudlet.services.awslambda.async_invokes import AsyncInvokeOps
from cloudlet.services.awslambda.concurrency import ConcurrencyOps
from cloudlet.services.awslambda.functions import FunctionOps
from cloudlet.services.awslambda.invoke_ops import InvokeOps
from cloudlet.services.awslambda.layers import LayerOps
from cloudlet.services.awslambda.mappings import MappingOps
from cloudlet.services.awslambda.permissions import PermissionOps
from cloudlet.services.awslambda.versions import VersionOps
from cloudlet.services.base import ServiceEnv


class LambdaProvider(
    AsyncInvokeOps,
    MappingOps,
    FunctionOps,
    VersionOps,
    LayerOps,
    PermissionOps,
    ConcurrencyOps,
    InvokeOps,
):
    service = "lambda"

    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)

    async def start(self) -> None:
        self.finish_all_states()  # a restart finishes Pending / InProgress functions
        await self.start_async_invokes()
        await self.start_mappings()

    def reset(self) -> None:
        self.reset_async_invokes()

    def busy(self) -> bool:
        return self.async_invokes_busy()
