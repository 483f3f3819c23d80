-- EventBridge Scheduler: schedule groups and schedules. Times are epoch seconds (REAL) on the
-- virtual clock. The "default" group of an account and region is a row once first touched.

CREATE TABLE scheduler_groups (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    created REAL NOT NULL,
    modified REAL NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',   -- JSON list of {"Key", "Value"} in insertion order
    PRIMARY KEY (account, region, name)
);

-- spec: the schedule's settings as JSON, shaped like GetSchedule's output without the names,
-- ARN and dates (ScheduleExpression, Target, FlexibleTimeWindow, StartDate/EndDate as epoch
-- seconds, ...). UpdateSchedule replaces it whole, as AWS does.
CREATE TABLE scheduler_schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    group_name TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    spec TEXT NOT NULL,
    created REAL NOT NULL,
    modified REAL NOT NULL,
    UNIQUE (account, region, group_name, name)
);

CREATE INDEX scheduler_schedules_by_name ON scheduler_schedules (account, region, name, group_name);

-- ClientToken idempotency of the mutating calls: a retried call with the same token answers
-- what the first one did.
CREATE TABLE scheduler_client_tokens (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    operation TEXT NOT NULL,
    token TEXT NOT NULL,
    result TEXT NOT NULL,              -- JSON of the first answer
    PRIMARY KEY (account, region, operation, token)
);
