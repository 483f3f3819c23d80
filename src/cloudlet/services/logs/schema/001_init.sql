-- CloudWatch Logs: log groups, their streams, and the events in them.
-- Times are epoch milliseconds on the virtual clock.

CREATE TABLE logs_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    retention_days INTEGER,
    group_class TEXT NOT NULL DEFAULT 'STANDARD',
    kms_key_id TEXT,
    deletion_protection INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '{}',   -- JSON
    stored_bytes INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, region, name)
);

CREATE TABLE logs_streams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    first_event_ms INTEGER,
    last_event_ms INTEGER,
    last_ingestion_ms INTEGER,
    UNIQUE (group_id, name)
);

-- DescribeLogStreams orderBy=LastEventTime: streams without events sort first.
CREATE INDEX logs_streams_last_event ON logs_streams (group_id, COALESCE(last_event_ms, -1), name);

-- AUTOINCREMENT: ids never repeat, so paging tokens built from (timestamp, id) stay valid.
CREATE TABLE logs_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL,
    stream_id INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    ingested_ms INTEGER NOT NULL,
    message TEXT NOT NULL
);

-- GetLogEvents reads one stream in time order; FilterLogEvents and the retention sweep read
-- a group in time order.
CREATE INDEX logs_events_stream_time ON logs_events (stream_id, timestamp, id);
CREATE INDEX logs_events_group_time ON logs_events (group_id, timestamp, id);
