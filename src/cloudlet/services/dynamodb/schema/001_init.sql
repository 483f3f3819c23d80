-- DynamoDB: tables, items, secondary index entries, and the streams tables that the
-- dynamodbstreams provider reads with its own SQL (services share tables, never code).
-- Times are epoch seconds (REAL) on the virtual clock.

CREATE TABLE ddb_tables (
    id INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: stale rows can't name a new table
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,               -- JSON: the table's description as DescribeTable shows it
    UNIQUE (account, region, name)
);

-- One row per item. pk/sk are the order-preserving encodings of the key values (sk is empty
-- for a hash-only table), and hash spreads partitions for Scan segments and orders a Scan.
-- The primary key serves GetItem (equality), Query (range on sk) and Scan (range on all).
CREATE TABLE ddb_items (
    table_id INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    pk BLOB NOT NULL,
    sk BLOB NOT NULL,
    item TEXT NOT NULL,                     -- JSON AttributeValue map (B as base64)
    size INTEGER NOT NULL,                  -- DynamoDB item size in bytes
    expires_at REAL,                        -- TTL attribute value when TTL is enabled
    PRIMARY KEY (table_id, hash, pk, sk)
) WITHOUT ROWID;

CREATE INDEX ddb_items_expiry ON ddb_items (expires_at) WHERE expires_at IS NOT NULL;

-- Secondary index entries (GSI and LSI), written in the same transaction as their item.
-- pk/sk: the index key, tpk/tsk: the item's table key (unique per index, and the tie order).
CREATE TABLE ddb_index_items (
    table_id INTEGER NOT NULL,
    index_name TEXT NOT NULL,
    hash INTEGER NOT NULL,
    pk BLOB NOT NULL,
    sk BLOB NOT NULL,
    tpk BLOB NOT NULL,
    tsk BLOB NOT NULL,
    item TEXT NOT NULL,                     -- the projected attributes
    size INTEGER NOT NULL,
    PRIMARY KEY (table_id, index_name, hash, pk, sk, tpk, tsk)
) WITHOUT ROWID;

-- TransactWriteItems ClientRequestToken idempotency (10 minutes).
CREATE TABLE ddb_transaction_tokens (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    token TEXT NOT NULL,
    fingerprint TEXT NOT NULL,              -- hash of the request, to detect a changed retry
    response TEXT NOT NULL,                 -- JSON result returned again for a retry
    expires_at REAL NOT NULL,
    PRIMARY KEY (account, region, token)
);

-- SHARED with dynamodbstreams (read only there). One stream per enabling of a table's
-- stream, one shard per stream. Disabled (or whose table was deleted) when disabled_at is set.
CREATE TABLE ddb_streams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    arn TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    table_id INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    label TEXT NOT NULL,
    view_type TEXT NOT NULL,
    key_schema TEXT NOT NULL,               -- JSON KeySchema of the table
    shard_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    start_seq INTEGER NOT NULL,             -- the first sequence number the shard may hold
    disabled_at REAL,
    trimmed_seq INTEGER NOT NULL DEFAULT 0  -- highest sequence number deleted by retention
);

CREATE INDEX ddb_streams_scope ON ddb_streams (account, region, table_name);

-- SHARED with dynamodbstreams. seq is the record's SequenceNumber (global, only grows).
CREATE TABLE ddb_stream_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id INTEGER NOT NULL,
    created_at REAL NOT NULL,
    record TEXT NOT NULL                    -- JSON GetRecords Record without SequenceNumber (B as base64)
);

CREATE INDEX ddb_stream_records_stream ON ddb_stream_records (stream_id, seq);
CREATE INDEX ddb_stream_records_age ON ddb_stream_records (created_at)
