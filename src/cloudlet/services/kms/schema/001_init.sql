-- KMS: symmetric keys (with their AES-256 key material) and aliases. Times are epoch seconds.

CREATE TABLE kms_keys (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    key_id TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    key_manager TEXT NOT NULL DEFAULT 'CUSTOMER',
    state TEXT NOT NULL DEFAULT 'Enabled',   -- Enabled | Disabled | PendingDeletion
    created REAL NOT NULL,
    deletion_date REAL,
    material BLOB NOT NULL,                  -- 32 random bytes, never returned
    tags TEXT NOT NULL DEFAULT '{}',         -- JSON
    PRIMARY KEY (account, region, key_id)
);

CREATE TABLE kms_aliases (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,                      -- alias/...
    key_id TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (account, region, name)
);
