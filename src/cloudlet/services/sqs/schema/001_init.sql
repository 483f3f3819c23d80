-- SQS: queues, their messages, FIFO message groups and deduplication, move tasks.
-- Times are epoch milliseconds on the virtual clock unless named *_s (seconds).

CREATE TABLE sqs_queues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    fifo INTEGER NOT NULL,
    attributes TEXT NOT NULL,          -- JSON: the settable attributes explicitly set
    tags TEXT NOT NULL DEFAULT '{}',   -- JSON
    dead_letter_arn TEXT,              -- RedrivePolicy target, for ListDeadLetterSourceQueues
    created_s INTEGER NOT NULL,
    modified_s INTEGER NOT NULL,
    purged_at INTEGER,
    UNIQUE (account, region, name)
);

CREATE INDEX sqs_queues_dead_letter ON sqs_queues (dead_letter_arn) WHERE dead_letter_arn IS NOT NULL;

CREATE TABLE sqs_deleted_queues (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    deleted_at INTEGER NOT NULL,
    PRIMARY KEY (account, region, name)
);

-- A message is a row: it is visible when visible_at <= now, in flight when it is not and it
-- was received (receive_count > 0), delayed when it is not and was never received.
-- AUTOINCREMENT: ids are never reused, so a stale receipt handle never names another message
-- and FIFO sequence numbers (derived from the id) only grow.
CREATE TABLE sqs_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT,                   -- JSON message attributes (binary values base64)
    attributes_md5 TEXT,
    system_attributes TEXT,            -- JSON {"AWSTraceHeader": ...}
    sender_id TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_received_at INTEGER,
    received_at INTEGER,
    receipt TEXT,                      -- token of the latest receive
    group_id TEXT,
    dedup_id TEXT,
    source_arn TEXT                    -- DeadLetterQueueSourceArn once redriven
);

-- expires_at and receive_count ride along so that claims and counts read the index alone.
CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at, expires_at, receive_count);
CREATE INDEX sqs_messages_group ON sqs_messages (queue_id, group_id, id) WHERE group_id IS NOT NULL;

-- FIFO: one row per message group that has messages, with its first message and when that one
-- is (or becomes) visible. Groups are served in the order their head became available.
CREATE TABLE sqs_groups (
    queue_id INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    head_id INTEGER NOT NULL,
    available_at INTEGER NOT NULL,
    PRIMARY KEY (queue_id, group_id)
);

CREATE INDEX sqs_groups_available ON sqs_groups (queue_id, available_at);

CREATE TABLE sqs_dedup (
    queue_id INTEGER NOT NULL,
    scope TEXT NOT NULL,               -- '' (queue) or the message group id
    dedup_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sequence TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (queue_id, scope, dedup_id)
);

CREATE TABLE sqs_move_tasks (
    task_id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    source_arn TEXT NOT NULL,
    destination_arn TEXT,
    rate INTEGER,
    status TEXT NOT NULL,
    moved INTEGER NOT NULL DEFAULT 0,
    to_move INTEGER NOT NULL,
    last_id INTEGER NOT NULL,          -- the newest message of the source when the task started
    cursor INTEGER NOT NULL DEFAULT 0, -- messages up to this id were considered
    started_at INTEGER NOT NULL,
    failure_reason TEXT
);

CREATE INDEX sqs_move_tasks_source ON sqs_move_tasks (account, region, source_arn, started_at)
