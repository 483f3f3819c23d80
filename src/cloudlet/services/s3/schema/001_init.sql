-- S3: buckets, object versions, multipart uploads and their parts.
-- Object bytes live in files under <data dir>/s3/blobs, named by generated id (the `blob`
-- columns), never by key. Times are epoch seconds (REAL) on the virtual clock.

-- Bucket names are global (per partition): the name is the key, whatever the account.
CREATE TABLE s3_buckets (
    name TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    created_at REAL NOT NULL,
    versioning TEXT,                   -- NULL (never enabled), 'Enabled' or 'Suspended'
    mfa_delete TEXT,
    configs TEXT NOT NULL DEFAULT '{}' -- JSON: configuration kind -> the stored value
);

CREATE INDEX s3_buckets_account ON s3_buckets (account, name);

-- Every version of every object: `latest` marks the current one of a key (maybe a delete marker).
CREATE TABLE s3_objects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    version_id TEXT NOT NULL,          -- 'null' when written while versioning was off/suspended
    latest INTEGER NOT NULL,
    delete_marker INTEGER NOT NULL DEFAULT 0,
    blob TEXT,                         -- NULL for delete markers
    size INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified REAL NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'    -- JSON: content headers, user metadata, checksum, parts, tags
);

CREATE INDEX s3_objects_current ON s3_objects (bucket, key) WHERE latest = 1;
CREATE INDEX s3_objects_versions ON s3_objects (bucket, key, id);

CREATE TABLE s3_uploads (
    upload_id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    initiated REAL NOT NULL,
    meta TEXT NOT NULL,                -- JSON: what the completed object gets
    completed TEXT                     -- JSON: the CompleteMultipartUpload result, once completed
);

CREATE INDEX s3_uploads_key ON s3_uploads (bucket, key, initiated);

CREATE TABLE s3_parts (
    upload_id TEXT NOT NULL,
    part_number INTEGER NOT NULL,
    blob TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified REAL NOT NULL,
    checksums TEXT NOT NULL DEFAULT '{}', -- JSON: algorithm -> base64 value
    PRIMARY KEY (upload_id, part_number)
);
