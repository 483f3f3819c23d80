-- SNS: topics, subscriptions, FIFO deduplication. Times are epoch milliseconds on the virtual clock.

CREATE TABLE sns_topics (
    arn TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    fifo INTEGER NOT NULL,
    attributes TEXT NOT NULL,          -- JSON: the settable attributes explicitly set
    tags TEXT NOT NULL DEFAULT '{}',   -- JSON
    sequence INTEGER NOT NULL DEFAULT 0,  -- FIFO: the last SequenceNumber given (offset)
    subscriptions_deleted INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE INDEX sns_topics_account ON sns_topics (account, region, arn);

CREATE TABLE sns_subscriptions (
    arn TEXT PRIMARY KEY,
    topic_arn TEXT NOT NULL,
    owner TEXT NOT NULL,               -- the subscriber's account
    region TEXT NOT NULL,
    protocol TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    attributes TEXT NOT NULL,          -- JSON: RawMessageDelivery, FilterPolicy, ... explicitly set
    confirmed INTEGER NOT NULL,
    token TEXT,                        -- http/https: the confirmation token
    created_at INTEGER NOT NULL
);

CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn, created_at);
CREATE INDEX sns_subscriptions_owner ON sns_subscriptions (owner, region, created_at);

CREATE TABLE sns_dedup (
    topic_arn TEXT NOT NULL,
    dedup_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sequence TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (topic_arn, dedup_id)
);
