-- EventBridge archives (the events a bus took that match the archive's pattern) and replays
-- of them. Times are epoch milliseconds on the virtual clock.

CREATE TABLE events_archives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    bus TEXT NOT NULL,
    description TEXT,
    event_pattern TEXT,
    retention_days INTEGER NOT NULL DEFAULT 0,   -- 0: kept forever
    kms_key TEXT,
    created_ms INTEGER NOT NULL,
    UNIQUE (account, region, name)
);

CREATE INDEX events_archives_bus ON events_archives (account, region, bus);

CREATE TABLE events_archived (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    archive_id INTEGER NOT NULL REFERENCES events_archives (id) ON DELETE CASCADE,
    time_ms INTEGER NOT NULL,      -- the event's "time"
    archived_ms INTEGER NOT NULL,
    event TEXT NOT NULL            -- the event as JSON
);

CREATE INDEX events_archived_time ON events_archived (archive_id, time_ms, id);

CREATE TABLE events_replays (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    archive_arn TEXT NOT NULL,
    description TEXT,
    destination TEXT NOT NULL,     -- JSON: ReplayDestination
    start_ms INTEGER NOT NULL,     -- EventStartTime
    end_ms INTEGER NOT NULL,       -- EventEndTime
    state TEXT NOT NULL,
    reason TEXT,
    replay_start_ms INTEGER NOT NULL,
    replay_end_ms INTEGER,
    last_replayed_ms INTEGER,
    UNIQUE (account, region, name)
);
