-- Event source mappings (CreateEventSourceMapping): one row each; `config` holds the
-- settings as the API shows them (BatchSize, FilterCriteria, DestinationConfig, ...).
CREATE TABLE lambda_event_source_mappings (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    function_arn TEXT NOT NULL,
    source_arn TEXT NOT NULL,
    state TEXT NOT NULL,
    state_reason TEXT NOT NULL,
    config TEXT NOT NULL,
    last_modified REAL NOT NULL,
    last_result TEXT NOT NULL
);
CREATE INDEX lambda_esm_by_function ON lambda_event_source_mappings (account, region, function_arn);
CREATE INDEX lambda_esm_by_source ON lambda_event_source_mappings (account, region, source_arn);

-- DynamoDB Streams checkpoints: the last sequence number a mapping finished, per shard.
CREATE TABLE lambda_mapping_checkpoints (
    uuid TEXT NOT NULL,
    shard_id TEXT NOT NULL,
    sequence_number TEXT NOT NULL,
    PRIMARY KEY (uuid, shard_id)
);
