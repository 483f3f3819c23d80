"""PartiQL through boto3: ExecuteStatement (SELECT, INSERT, UPDATE, DELETE), paging,
BatchExecuteStatement and ExecuteTransaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ddb_support import error_of


@pytest.fixture
def table(make_table: Callable[..., str], ddb: Any) -> str:
    name = make_table(
        "music",
        hash=("artist", "S"),
        range=("song", "S"),
        attributes={"genre": "S"},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-genre",
                "KeySchema": [{"AttributeName": "genre", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    for artist, song, genre, year in [
        ("acme", "a1", "rock", 2001),
        ("acme", "a2", "pop", 2005),
        ("acme", "a3", "rock", 2010),
        ("zed", "z1", "jazz", 1999),
    ]:
        ddb.execute_statement(
            Statement=f"INSERT INTO \"{name}\" VALUE {{'artist': ?, 'song': ?, 'genre': ?, 'year': ?}}",
            Parameters=[{"S": artist}, {"S": song}, {"S": genre}, {"N": str(year)}],
        )
    return name


def test_select(ddb: Any, table: str) -> None:
    rows = ddb.execute_statement(
        Statement=f'SELECT song FROM "{table}" WHERE artist = \'acme\' AND "year" > 2002'
    )
    assert rows["Items"] == [{"song": {"S": "a2"}}, {"song": {"S": "a3"}}]
    everything = ddb.execute_statement(Statement=f'SELECT * FROM "{table}"')["Items"]
    assert len(everything) == 4
    by_genre = ddb.execute_statement(
        Statement=f'SELECT artist, song FROM "{table}"."by-genre" WHERE genre = \'rock\''
    )
    assert sorted(i["song"]["S"] for i in by_genre["Items"]) == ["a1", "a3"]
    began = ddb.execute_statement(
        Statement=f"SELECT song FROM \"{table}\" WHERE begins_with(song, ?) OR genre IN ['jazz']",
        Parameters=[{"S": "a1"}],
    )["Items"]
    assert sorted(i["song"]["S"] for i in began) == ["a1", "z1"]
    missing = ddb.execute_statement(
        Statement=f'SELECT song FROM "{table}" WHERE lyrics IS MISSING AND "year" BETWEEN 2000 AND 2006'
    )
    assert sorted(i["song"]["S"] for i in missing["Items"]) == ["a1", "a2"]


def test_select_pages_with_next_token(ddb: Any, table: str) -> None:
    seen: list[str] = []
    token = None
    while True:
        extra: dict[str, Any] = {"NextToken": token} if token else {}
        page = ddb.execute_statement(Statement=f'SELECT * FROM "{table}"', Limit=3, **extra)
        seen += [i["song"]["S"] for i in page["Items"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == ["a1", "a2", "a3", "z1"]


def test_insert_update_delete(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'artist': 'acme', 'song': 'a1'}}")
    assert error_of(excinfo) == ("DuplicateItemException", "Duplicate primary key exists in table")
    updated = ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET plays = 1 SET tags = <<'x', 'y'>> REMOVE genre "
        "WHERE artist = 'acme' AND song = 'a1' RETURNING ALL NEW *"
    )["Items"][0]
    assert (
        updated["plays"] == {"N": "1"}
        and sorted(updated["tags"]["SS"]) == ["x", "y"]
        and "genre" not in updated
    )
    ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET plays = plays + 2 WHERE artist = 'acme' AND song = 'a1'"
    )
    got = ddb.get_item(TableName=table, Key={"artist": {"S": "acme"}, "song": {"S": "a1"}})["Item"]
    assert got["plays"] == {"N": "3"}
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(
            Statement=f"UPDATE \"{table}\" SET plays = 0 WHERE artist = 'acme' AND song = 'nope'"
        )
    assert error_of(excinfo)[0] == "ConditionalCheckFailedException"
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET plays = 0 WHERE artist = 'acme'")
    assert error_of(excinfo) == (
        "ValidationException",
        "Where clause does not contain a mandatory equality on all key attributes",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(
            Statement=f"DELETE FROM \"{table}\" WHERE artist = 'acme' AND song = 'a2' AND plays > 5"
        )
    assert error_of(excinfo)[0] == "ConditionalCheckFailedException"
    old = ddb.execute_statement(
        Statement=f"DELETE FROM \"{table}\" WHERE artist = 'acme' AND song = 'a2' RETURNING ALL OLD *"
    )
    assert old["Items"][0]["genre"] == {"S": "pop"}
    ddb.execute_statement(
        Statement=f"DELETE FROM \"{table}\" WHERE artist = 'acme' AND song = 'a2'"
    )  # gone: no error
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(Statement="SELEKT * FROM x")
    assert error_of(excinfo)[1].startswith("Statement wasn't well formed, can't be processed")


def test_batch_execute_statement(ddb: Any, table: str) -> None:
    response = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"UPDATE \"{table}\" SET plays = 1 WHERE artist = 'acme' AND song = 'a1'"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'artist': 'acme', 'song': 'a1'}}"},
            {
                "Statement": f"DELETE FROM \"{table}\" WHERE artist = 'zed' AND song = 'z1' AND genre = 'pop'",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            },
        ]
    )["Responses"]
    assert "Error" not in response[0]
    assert response[1]["Error"]["Code"] == "DuplicateItem"
    assert response[2]["Error"]["Code"] == "ConditionalCheckFailed"
    assert response[2]["Error"]["Item"]["genre"] == {"S": "jazz"}
    reads = ddb.batch_execute_statement(
        Statements=[
            {
                "Statement": f'SELECT plays FROM "{table}" WHERE artist = ? AND song = ?',
                "Parameters": [{"S": "acme"}, {"S": "a1"}],
            },
            {"Statement": f"SELECT * FROM \"{table}\" WHERE artist = 'none' AND song = 'x'"},
        ]
    )["Responses"]
    assert reads[0]["Item"] == {"plays": {"N": "1"}}
    assert "Item" not in reads[1] and reads[1]["TableName"] == table


def test_execute_transaction(ddb: Any, table: str) -> None:
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f"UPDATE \"{table}\" SET plays = 1 WHERE artist = 'acme' AND song = 'a1'"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'artist': 'new', 'song': 'n1'}}"},
        ]
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": f"UPDATE \"{table}\" SET plays = 2 WHERE artist = 'acme' AND song = 'a1'"},
                {"Statement": f"INSERT INTO \"{table}\" VALUE {{'artist': 'new', 'song': 'n1'}}"},
            ]
        )
    assert error_of(excinfo)[0] == "TransactionCanceledException"
    assert [r["Code"] for r in excinfo.value.response["CancellationReasons"]] == ["None", "DuplicateItem"]
    plays = ddb.get_item(TableName=table, Key={"artist": {"S": "acme"}, "song": {"S": "a1"}})["Item"]["plays"]
    assert plays == {"N": "1"}
    read = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f"SELECT song FROM \"{table}\" WHERE artist = 'new' AND song = 'n1'"}
        ]
    )
    assert read["Responses"] == [{"Item": {"song": {"S": "n1"}}}]


def test_select_order_by_sort_key(ddb: Any, table: str) -> None:
    rows = ddb.execute_statement(
        Statement=f"SELECT song FROM \"{table}\" WHERE artist = 'acme' ORDER BY song DESC"
    )
    assert [i["song"]["S"] for i in rows["Items"]] == ["a3", "a2", "a1"]
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(Statement=f'SELECT * FROM "{table}" ORDER BY song')
    assert error_of(excinfo)[0] == "ValidationException"


def test_select_reads_only_the_sort_key_range(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table("ranges", range=("sk", "N"))
    for n in range(50):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(n)}})
    # Limit counts items read: 3 items read means the range, not the partition, was read.
    rows = ddb.execute_statement(
        Statement=f"SELECT sk FROM \"{name}\" WHERE pk = 'p' AND sk BETWEEN 40 AND 42", Limit=3
    )
    assert [i["sk"]["N"] for i in rows["Items"]] == ["40", "41", "42"]
    rows = ddb.execute_statement(
        Statement=f"SELECT sk FROM \"{name}\" WHERE pk = 'p' AND sk >= 47 ORDER BY sk DESC"
    )
    assert [i["sk"]["N"] for i in rows["Items"]] == ["49", "48", "47"]


def test_exists_is_a_condition_check_in_a_transaction(ddb: Any, table: str) -> None:
    def transact(exists_where: str, mark: str) -> None:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": f'EXISTS(SELECT * FROM "{table}" WHERE {exists_where})'},
                {
                    "Statement": f"UPDATE \"{table}\" SET mark = '{mark}' WHERE artist = 'acme' AND song = 'a2'"
                },
            ]
        )

    def mark() -> Any:
        key = {"artist": {"S": "acme"}, "song": {"S": "a2"}}
        return ddb.get_item(TableName=table, Key=key)["Item"].get("mark")

    transact("artist = 'acme' AND song = 'a1' AND genre = 'rock'", "first")
    assert mark() == {"S": "first"}
    for where in ("artist = 'acme' AND song = 'a1' AND genre = 'jazz'", "artist = 'nobody' AND song = 'x'"):
        with pytest.raises(ClientError) as excinfo:
            transact(where, "second")
        assert error_of(excinfo)[0] == "TransactionCanceledException"
        codes = [r["Code"] for r in excinfo.value.response["CancellationReasons"]]
        assert codes == ["ConditionalCheckFailed", "None"]
    assert mark() == {"S": "first"}
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(
            Statement=f"EXISTS(SELECT * FROM \"{table}\" WHERE artist = 'acme' AND song = 'a1')"
        )
    assert error_of(excinfo)[0] == "ValidationException"
