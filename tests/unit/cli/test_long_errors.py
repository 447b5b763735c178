"""What a server says is cut to one short line: botocore quoting a whole response body it could
not parse (or a proxy's HTML page) used to fill the terminal with 10,000 characters per shard."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from estate.aws.errors import MESSAGE_LIMIT, describe
from estate.cli.main import main
from tests.unit.cli.test_text import write_config


@pytest.mark.usefixtures("aws")
def test_a_shard_failing_on_an_unparsable_answer_is_one_short_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sts = boto3.client("sts").assume_role(
        RoleArn="arn:aws:iam::111111111111:role/EstateReader", RoleSessionName="test"
    )["Credentials"]
    ec2 = boto3.client(
        "ec2",
        region_name="us-east-1",
        aws_access_key_id=sts["AccessKeyId"],
        aws_secret_access_key=sts["SecretAccessKey"],
        aws_session_token=sts["SessionToken"],
    )
    ids = [
        i["InstanceId"]
        for i in ec2.run_instances(ImageId="ami-12c6146b", MinCount=20, MaxCount=20)["Instances"]
    ]
    # moto writes an ESC into its XML as it is, which no XML parser accepts.
    ec2.create_tags(Resources=ids, Tags=[{"Key": "Name", "Value": "\x1b[31m" + "x" * 200}])

    code = main(["collect", "-c", str(write_config(tmp_path))])
    out, err = capsys.readouterr()
    (failed,) = [line for line in out.splitlines() if line.startswith("  failed ")]
    assert code == 1
    assert failed == (
        "  failed 111111111111/us-east-1/ec2:instance: ResponseParserError: Unable to parse "
        "response (not well-formed (invalid token): line 2, column "
        + failed.split("line 2, column ")[1].split(")")[0]
        + "), invalid XML received. Further retries may succeed"
    )
    assert len(err) < 2_000, err  # the progress lines carry the same short text


def test_a_server_message_longer_than_the_limit_is_cut_and_says_how_much_is_left() -> None:
    page = "<html>\n<body>\n" + "<p>gateway timeout</p>\n" * 400 + "</body></html>"
    exc = ClientError({"Error": {"Code": "504", "Message": page}}, "DescribeInstances")
    text = describe(exc)
    assert "\n" not in text
    flat = " ".join(page.split())
    assert text == (
        f"DescribeInstances: 504: {flat[:MESSAGE_LIMIT]}… "
        f"({len(flat) - MESSAGE_LIMIT:,} more characters)"
    )
