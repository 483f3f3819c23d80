-- EventBridge: custom event buses (the "default" bus gets a row when first written to),
-- rules on buses, and each rule's targets. Times are epoch milliseconds on the virtual clock.

CREATE TABLE events_buses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    kms_key TEXT,
    dead_letter_arn TEXT,
    policy TEXT,                        -- JSON resource policy (PutPermission statements)
    tags TEXT NOT NULL DEFAULT '{}',    -- JSON
    created_ms INTEGER NOT NULL,
    modified_ms INTEGER NOT NULL,
    UNIQUE (account, region, name)
);

CREATE TABLE events_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    bus TEXT NOT NULL,
    name TEXT NOT NULL,
    arn TEXT NOT NULL,
    event_pattern TEXT,
    schedule TEXT,
    schedule_anchor_ms INTEGER,         -- a rate(...) rule fires every period from here
    state TEXT NOT NULL,
    description TEXT,
    role_arn TEXT,
    managed_by TEXT,
    tags TEXT NOT NULL DEFAULT '{}',    -- JSON
    created_ms INTEGER NOT NULL,
    UNIQUE (account, region, bus, name)
);

CREATE INDEX events_rules_arn ON events_rules (arn);

CREATE TABLE events_targets (
    rule_id INTEGER NOT NULL REFERENCES events_rules (id) ON DELETE CASCADE,
    target_id TEXT NOT NULL,
    arn TEXT NOT NULL,
    spec TEXT NOT NULL,                 -- JSON: the Target as PutTargets took it
    position INTEGER NOT NULL,
    PRIMARY KEY (rule_id, target_id)
);

CREATE INDEX events_targets_arn ON events_targets (arn);
