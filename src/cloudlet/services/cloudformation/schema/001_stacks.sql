-- CloudFormation: stacks, their resources and events, and change sets. Times are epoch seconds.

CREATE TABLE cfn_stacks (
    stack_id TEXT PRIMARY KEY,            -- arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT NOT NULL DEFAULT '',
    template TEXT NOT NULL DEFAULT '',    -- the template as given (GetTemplate Original)
    processed TEXT NOT NULL DEFAULT '',   -- JSON after transforms (GetTemplate Processed)
    parameters TEXT NOT NULL DEFAULT '{}', -- JSON: the given values by key
    described_parameters TEXT NOT NULL DEFAULT '[]', -- JSON: DescribeStacks Parameters
    description TEXT,
    outputs TEXT NOT NULL DEFAULT '[]',   -- JSON: DescribeStacks Outputs (with ExportName)
    imports TEXT NOT NULL DEFAULT '[]',   -- JSON: the export names this stack imports
    capabilities TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    notification_arns TEXT NOT NULL DEFAULT '[]',
    disable_rollback INTEGER NOT NULL DEFAULT 0,
    termination_protection INTEGER NOT NULL DEFAULT 0,
    role_arn TEXT,
    timeout INTEGER,
    change_set_id TEXT,
    parent_id TEXT,                       -- a nested stack's parent and root stacks
    root_id TEXT,
    created REAL NOT NULL,
    updated REAL,
    deleted REAL
);
CREATE INDEX cfn_stacks_by_name ON cfn_stacks (account, region, name);

CREATE TABLE cfn_resources (
    stack_id TEXT NOT NULL,
    logical_id TEXT NOT NULL,
    type TEXT NOT NULL,
    physical_id TEXT,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    properties TEXT NOT NULL DEFAULT '{}', -- JSON: the resolved properties deployed
    attributes TEXT NOT NULL DEFAULT '{}', -- JSON: what Fn::GetAtt can name
    seq INTEGER NOT NULL,                 -- creation order
    depends TEXT NOT NULL DEFAULT '[]',   -- JSON: the logical ids it needs (deleted after it)
    deletion_policy TEXT NOT NULL DEFAULT 'Delete',
    update_replace_policy TEXT NOT NULL DEFAULT 'Delete',
    updated REAL NOT NULL,
    PRIMARY KEY (stack_id, logical_id)
);

CREATE TABLE cfn_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    stack_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    logical_id TEXT NOT NULL,
    physical_id TEXT,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    properties TEXT,
    timestamp REAL NOT NULL
);
CREATE INDEX cfn_events_by_stack ON cfn_events (stack_id, seq);

CREATE TABLE cfn_change_sets (
    change_set_id TEXT PRIMARY KEY,       -- arn:aws:cloudformation:REGION:ACCOUNT:changeSet/NAME/UUID
    stack_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,                   -- CREATE | UPDATE
    status TEXT NOT NULL,
    status_reason TEXT,
    execution_status TEXT NOT NULL,
    description TEXT,
    template TEXT NOT NULL,
    parameters TEXT NOT NULL DEFAULT '{}',
    capabilities TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    notification_arns TEXT NOT NULL DEFAULT '[]',
    changes TEXT NOT NULL DEFAULT '[]',   -- JSON: DescribeChangeSet Changes
    described_parameters TEXT NOT NULL DEFAULT '[]',
    created REAL NOT NULL
);
CREATE INDEX cfn_change_sets_by_stack ON cfn_change_sets (stack_id, name);
