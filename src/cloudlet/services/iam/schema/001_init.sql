-- IAM: a global service, so every table is keyed by account only (no region).
-- Names are unique case-insensitively (IAM's rule), so each entity keeps name_key = lower(name).
-- Times are epoch seconds on the virtual clock; tags are JSON lists of {"Key", "Value"}.

CREATE TABLE iam_roles (
    account TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    created INTEGER NOT NULL,
    trust_policy TEXT NOT NULL,
    description TEXT,
    max_session INTEGER NOT NULL,
    boundary TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (account, name_key)
);

-- Inline policies of roles and users (kind 'role' | 'user').
CREATE TABLE iam_inline_policies (
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    owner_key TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account, kind, owner_key, name)
);

-- Managed policies attached to roles and users (kind 'role' | 'user').
CREATE TABLE iam_attachments (
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    owner_key TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (account, kind, owner_key, policy_arn)
);

CREATE TABLE iam_policies (
    account TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    arn TEXT NOT NULL,
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    description TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    default_version TEXT NOT NULL,
    next_version INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (account, name_key)
);

CREATE TABLE iam_policy_versions (
    account TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    version_id TEXT NOT NULL,
    document TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (account, policy_arn, version_id)
);

CREATE TABLE iam_users (
    account TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    created INTEGER NOT NULL,
    boundary TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (account, name_key)
);

CREATE TABLE iam_access_keys (
    key_id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    user_key TEXT NOT NULL,
    secret TEXT NOT NULL,
    status TEXT NOT NULL,
    created INTEGER NOT NULL
);

CREATE INDEX iam_access_keys_user ON iam_access_keys (account, user_key);

CREATE TABLE iam_instance_profiles (
    account TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    created INTEGER NOT NULL,
    role_key TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (account, name_key)
);
