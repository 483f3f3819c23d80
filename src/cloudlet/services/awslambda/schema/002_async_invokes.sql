-- Asynchronous (Event) invocations waiting to run or to be retried: one row per invocation,
-- committed before Invoke answers 202. Times are epoch seconds on the virtual clock.
CREATE TABLE lambda_async_invokes (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,                     -- the function's name
    qualifier TEXT NOT NULL,                -- as invoked: '$LATEST', a version or an alias
    invoked_arn TEXT NOT NULL,
    request_id TEXT NOT NULL,
    payload BLOB NOT NULL,
    enqueued_at REAL NOT NULL,
    due_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,    -- invocations that ran (approximateInvokeCount)
    throttles INTEGER NOT NULL DEFAULT 0,   -- throttles / system errors since the last run
    running INTEGER NOT NULL DEFAULT 0,     -- claimed by this process (reset at start)
    last_response TEXT                      -- JSON: the last run's status, error, version, payload
);
CREATE INDEX lambda_async_invokes_due ON lambda_async_invokes (running, due_at);

-- Put/UpdateFunctionEventInvokeConfig: one per function and qualifier ('$LATEST', version,
-- alias). function_created ties a config to one life of the function (a function deleted
-- and created again under the same name starts without configs).
CREATE TABLE lambda_event_invoke_configs (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    function_created REAL,
    maximum_retry_attempts INTEGER,
    maximum_event_age INTEGER,
    on_success TEXT,
    on_failure TEXT,
    last_modified REAL NOT NULL,
    UNIQUE (account, region, name, qualifier)
);
