"""CloudFormation: stacks deployed by cloudlet's engine (cloudlet.deploy), over the same
service APIs every client uses. CreateStack/UpdateStack/DeleteStack/ExecuteChangeSet run
the engine in the background (settle waits for it, except while it only waits for a custom
resource's answer: that comes from a function the invoker runs, or from advancing the clock
past the timeout); they answer once it is done or after QUICK_ANSWER_SECONDS (wall clock),
so a client's waiter (polling every 5-30 s) usually finds a small stack finished at its
first poll. A server stopped mid-operation fails that
stack's operation at the next start (CREATE_FAILED, DELETE_FAILED, UPDATE_ROLLBACK_FAILED,
"Internal Failure: the server stopped during the operation").

Modules: core.py (shared plumbing, exports, bootstrap), stack_ops.py (Create/Update/
DeleteStack), read_ops.py (Describe*/List*/GetTemplate/ValidateTemplate), change_sets.py,
store.py (SQL, the engine's sink), templates.py (TemplateURL, SAM), responses.py (custom
resource answers), render.py (response shapes), nested.py (AWS::CloudFormation::Stack).

Bootstrap: on start, and on first use in an account/region, cloudlet creates what
`cdk bootstrap` would leave for the CDK CLI and templates: the SSM parameter
/cdk-bootstrap/hnb659fds/version (value 28) and the bucket cdk-hnb659fds-assets-ACCOUNT-REGION.

Custom resources: the ResponseURL handed to a function is
ENDPOINT/_cloudlet/cloudformation/response?id=...; the function PUTs its JSON there.

LIMITATIONS:
    - A nested stack (AWS::CloudFormation::Stack, nested.py) is updated only when its
      properties change (a new TemplateURL, as CDK writes one per template content), and
      can also be updated or deleted directly (AWS refuses that).
    - Stack sets, drift detection, resource
      import (ChangeSetType IMPORT), stack policies, rollback triggers, hooks, type
      registry, ContinueUpdateRollback and CancelUpdateStack are not built (a stack in
      UPDATE_ROLLBACK_FAILED can only be deleted); RollbackStack rolls back CREATE_FAILED
      stacks only (an UPDATE_FAILED stack's previous resource states are not kept).
    - Stack-level Tags are stored and shown, not propagated to the resources.
    - DeletionPolicy Snapshot is treated as Retain (nothing is snapshotted).
    - Change set Changes are computed statically: a property that depends on a resource
      being added or replaced counts as changed; Replacement is True/False from the
      handler's replace-on properties ("Conditional" only when a value cannot be resolved).
    - Rollbacks and deletions delete one resource at a time (dependents first). Resources
      "cancelled" by a sibling's failure were allowed to finish, and are then deleted.
    - TimeoutInMinutes, RoleARN, NotificationARNs and ClientRequestToken are stored and
      shown, not acted on. Pagination (NextToken) is not built: everything is one page.
    - The CDKToolkit stack does not exist (the SSM parameter and bucket stand in for it).
      The bootstrap resources appear at server start for the default account/region, and
      for others at their first DescribeStacks/ValidateTemplate/deploy call.
    - Macros other than the SAM transform (through cloudlet.deploy.sam) are not run;
      AWS::LanguageExtensions is accepted only without Fn::ForEach.
"""

from __future__ import annotations

from cloudlet.services.cloudformation.change_sets import ChangeSetOperations


class CloudFormationProvider(ChangeSetOperations):
    service = "cloudformation"
