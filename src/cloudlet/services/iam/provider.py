"""IAM: roles, managed and inline policies, users, access keys and instance profiles, stored
and returned as AWS does. IAM is global: state is per account, whatever the region.

The operations live in roles.py, policies.py, users.py and profiles.py; core.py holds what
they share (ids, validation, paging, tags).

LIMITATIONS:
    - Nothing is enforced: policies (identity, trust, boundaries) are stored and returned,
      never evaluated; every request of every credential is allowed.
    - Policy documents are checked to be JSON objects within AWS's size quotas; their grammar
      (Version, Statement, actions, ARNs) is not validated, and no policy linting is done.
    - AWS managed policies (arn:aws:iam::aws:policy/...) are not stored: any such ARN may be
      attached, GetPolicy answers a synthesized v1 for it, GetPolicyVersion has no document
      for it, and ListPolicies Scope=AWS lists only those attached in the account.
    - IAM users' access keys are stored, but cloudlet does not resolve them to the user when
      they sign requests (the account comes from the key, per cloudlet's identity rules).
    - GetUser without UserName answers the account's root user; ListAccessKeys needs UserName.
    - Paging markers are opaque tokens of cloudlet's own; ListPolicies, ListAttached*Policies and
      ListPolicyVersions page a list built whole per call.
    - RoleLastUsed is always empty; PermissionsBoundaryUsageCount is always 0.
    - Service-linked roles get a derived name (AWSServiceRoleFor<Service>) for services outside
      a small table, and no AWS managed policy; deletion completes at once.
    - Groups, login profiles, MFA devices, SSH keys, server certificates, OIDC/SAML providers,
      account aliases, password policy, credential reports and policy simulation answer 501.
"""

from __future__ import annotations

from cloudlet.services.iam.profiles import ProfileOperations


class IamProvider(ProfileOperations):
    service = "iam"
