"""DynamoDB: tables, items, secondary indexes, streams, TTL and transactions on SQLite and
the clock. One module per concern; this class puts them together.

LIMITATIONS:
    - CreateTable answers CREATING, but tables, indexes and streams are ACTIVE from the next
      request on (no UPDATING phase); a new GSI is backfilled inside the UpdateTable call.
    - No throughput is enforced: ProvisionedThroughput and billing mode are recorded and
      reported, never throttled (no ProvisionedThroughputExceededException).
    - ItemCount, TableSizeBytes and index sizes are exact at every DescribeTable (AWS
      refreshes them about every six hours).
    - Reads are always strongly consistent; ConsistentRead is accepted and only changes the
      ConsumedCapacity reported.
    - Scan order is by a hash of the partition key, then the sort key (AWS's is unspecified).
    - A stream has one shard for its whole life (AWS rolls shards about every four hours).
    - Expired TTL items are deleted as soon as the clock passes their expiry (AWS: within a
      few days), but only values within five years in the past count, as on AWS.
    - SSE, continuous backups (point-in-time recovery) and table classes are settings only:
      nothing is encrypted, no backup is taken, no restore is possible.
    - ConsumedCapacity: a write counts its table units plus, per secondary index it touches,
      one write (two when the index key changes) in 1 KB units of the projected entry, without
      AWS's per-entry overhead bytes; reads count the table or the queried index only. PartiQL
      operations report no ConsumedCapacity.
    - ItemCollectionMetrics.SizeEstimateRangeGB is [n, n + 1] around the exact collection
      size (items plus local index entries) in GB; AWS's estimate is coarser.
    - No request size quotas beyond the documented item (400 KB), batch (25/100), page
      (1 MB), BatchGetItem response (16 MB) and transaction (100 actions, 4 MB) limits. The
      4 MB transaction check counts Put items whole and the other actions by their key
      (TransactGetItems: the items read); its message is not verified against AWS.
    - PartiQL: SELECT, INSERT, UPDATE and DELETE on one table (or "table"."index"), and
      EXISTS(SELECT ...) in ExecuteTransaction as a condition check on one item (the SELECT's
      WHERE must name its full key; other predicates are the condition). A SELECT reads one
      partition when its WHERE pins the partition key with =, else scans; sort-key
      predicates filter rather than narrow the range. ORDER BY only on the sort key of one
      partition.
    - Global tables, backups, exports/imports, Kinesis streaming destinations, resource
      policies and contributor insights are not implemented (501).
"""

from __future__ import annotations

from cloudlet.services.dynamodb.batch_ops import BatchOperations
from cloudlet.services.dynamodb.expiry import Expiry
from cloudlet.services.dynamodb.item_ops import ItemOperations
from cloudlet.services.dynamodb.partiql_ops import PartiqlOperations
from cloudlet.services.dynamodb.read_ops import ReadOperations
from cloudlet.services.dynamodb.settings_ops import SettingsOperations
from cloudlet.services.dynamodb.table_ops import TableOperations
from cloudlet.services.dynamodb.transact_ops import TransactOperations


class DynamoDbProvider(
    TableOperations,
    SettingsOperations,
    TransactOperations,
    ItemOperations,
    ReadOperations,
    BatchOperations,
    PartiqlOperations,
    Expiry,
):
    service = "dynamodb"
