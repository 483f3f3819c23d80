-- SSM Parameter Store: parameters and every kept version of each. Times are epoch seconds.

CREATE TABLE ssm_parameters (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,             -- the latest version
    tags TEXT NOT NULL DEFAULT '{}',      -- JSON
    PRIMARY KEY (account, region, name)
);

-- A SecureString's value is the base64 KMS ciphertext; labels are a JSON list.
CREATE TABLE ssm_versions (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    key_id TEXT,
    description TEXT,
    allowed_pattern TEXT,
    tier TEXT NOT NULL,
    data_type TEXT NOT NULL,
    modified REAL NOT NULL,
    user TEXT NOT NULL,
    labels TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (account, region, name, version)
);
