-- Lambda functions, their versions ($LATEST and published), aliases, resource policies and
-- layers. Configurations are the FunctionConfiguration documents as returned (JSON), with a
-- few private members (names starting with "_": code directory, zip path, layer dirs).

CREATE TABLE lambda_functions (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    next_version INTEGER NOT NULL DEFAULT 1,   -- the number PublishVersion gives next
    reserved_concurrency INTEGER,               -- PutFunctionConcurrency; NULL when unset
    tags TEXT NOT NULL DEFAULT '{}',            -- JSON
    created REAL NOT NULL,
    PRIMARY KEY (account, region, name)
);

-- version is '$LATEST' or '1', '2', ...; number is 0 for $LATEST (ordering).
CREATE TABLE lambda_versions (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    number INTEGER NOT NULL,
    config TEXT NOT NULL,
    PRIMARY KEY (account, region, name, version)
);

CREATE TABLE lambda_aliases (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    config TEXT NOT NULL,                        -- the AliasConfiguration document
    PRIMARY KEY (account, region, name, alias)
);

-- One resource policy per function and qualifier ('' = the unqualified function).
CREATE TABLE lambda_policies (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    statements TEXT NOT NULL DEFAULT '[]',       -- JSON list of statements
    revision TEXT NOT NULL,
    PRIMARY KEY (account, region, name, qualifier)
);

CREATE TABLE lambda_layers (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    next_version INTEGER NOT NULL DEFAULT 1,     -- numbers are never reused, even after deletes
    PRIMARY KEY (account, region, name)
);

CREATE TABLE lambda_layer_versions (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    config TEXT NOT NULL,                        -- the GetLayerVersion document (+ "_dir")
    PRIMARY KEY (account, region, name, version)
);
