"""SSM Parameter Store: String, StringList and SecureString parameters, with versions,
labels, tiers, tags and hierarchies, on SQLite. SecureStrings are encrypted by KMS through
the internal clients (EncryptionContext PARAMETER_ARN, as AWS does).

The operations live in writes.py (put, delete, labels, tags) and reads.py (get, by path,
describe, history); the filter language is filters.py, the name rules names.py.

LIMITATIONS:
    - Only Parameter Store is built; the rest of Systems Manager (documents, commands,
      sessions, inventory, automation, ...) answers 501.
    - Parameter policies (Expiration, ExpirationNotification, NoChangeNotification) are not
      built: Policies is always empty and a Policies argument is ignored.
    - Intelligent-Tiering picks Standard or Advanced by the value's size only.
    - aws:ec2:image values are checked for the AMI id format, not against EC2.
    - Shared (cross-account) parameters, public parameters (/aws/service/...), and
      GetResourcePolicies/PutResourcePolicy are not built.
    - LastModifiedUser is the account root ARN.
    - NextToken is an offset into the sorted result; concurrent writes may shift pages.
    - Parameter ARNs as names work in the Get*, Delete* and label operations of the same
      account and region only.
"""

from __future__ import annotations

from cloudlet.services.ssm.reads import ReadOperations
from cloudlet.services.ssm.writes import WriteOperations


class SsmProvider(WriteOperations, ReadOperations):
    service = "ssm"
