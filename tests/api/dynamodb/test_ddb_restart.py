"""Tables, items, index entries, streams and pending TTL expiries survive a kill -9 and restart."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from harness import Server


def test_state_survives_sigkill() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-ddb-"))
    try:
        first = Server(data_dir=data_dir).start()
        ddb = first.client("dynamodb")
        arn = ddb.create_table(
            TableName="durable",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )["TableDescription"]["LatestStreamArn"]
        ddb.update_time_to_live(
            TableName="durable", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
        )
        now = datetime.fromisoformat(
            first.internal("GET", "/_cloudlet/clock")["now"].replace("Z", "+00:00")
        ).timestamp()
        for n in range(50):
            ddb.put_item(
                TableName="durable",
                Item={"pk": {"S": f"k{n}"}, "g": {"S": "all"}, "ttl": {"N": str(int(now) + 600)}},
            )
        first.kill()

        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            ddb = second.client("dynamodb")
            streams = second.client("dynamodbstreams")
            assert ddb.describe_table(TableName="durable")["Table"]["ItemCount"] == 50
            by_g = ddb.query(
                TableName="durable",
                IndexName="by-g",
                KeyConditionExpression="g = :g",
                ExpressionAttributeValues={":g": {"S": "all"}},
            )
            assert by_g["Count"] == 50
            shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            assert len(streams.get_records(ShardIterator=iterator)["Records"]) == 50
            second.advance(700)  # the TTL timer is re-armed from the database at start
            assert ddb.scan(TableName="durable", Select="COUNT")["Count"] == 0
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
