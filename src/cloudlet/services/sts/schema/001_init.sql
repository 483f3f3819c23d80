-- STS: the temporary credentials AssumeRole, AssumeRoleWithWebIdentity and GetSessionToken
-- issued, so GetCallerIdentity signed with them answers the identity they stand for.
-- Times are epoch seconds on the virtual clock.

CREATE TABLE sts_credentials (
    access_key TEXT PRIMARY KEY,
    secret_key TEXT NOT NULL,
    session_token TEXT NOT NULL,
    account TEXT NOT NULL,
    arn TEXT NOT NULL,
    user_id TEXT NOT NULL,
    issued_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
