from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import Resource, normalize_page, normalize_resource
from estate.resources import ec2net
from estate.resources.spec import ResourceSpec
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed
from tests.unit.resources.test_registry import example_items

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

REGION = "eu-west-1"
ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}:"


def _tagged(kind: str, **tags: str) -> Any:
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def _edges(resource: Resource) -> set[tuple[str, str]]:
    return {(edge["kind"], edge["arn"]) for edge in resource.relations}


@pytest.fixture
def ec2(member: boto3.Session) -> EC2Client:
    return member.client("ec2", region_name=REGION)


@pytest.fixture
def vpc(ec2: EC2Client) -> dict[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(
        VpcId=vpc_id, CidrBlock="10.8.1.0/24", AvailabilityZone=f"{REGION}a"
    )["Subnet"]["SubnetId"]
    group_id = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)[
        "GroupId"
    ]
    return {"vpc": vpc_id, "subnet": subnet_id, "group": group_id}


def test_internet_gateway_and_route_table(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    igw = ec2.create_internet_gateway(
        TagSpecifications=_tagged("internet-gateway", Name="edge", team="net")
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc["vpc"])
    table = ec2.create_route_table(
        VpcId=vpc["vpc"], TagSpecifications=_tagged("route-table", Name="public")
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=vpc["subnet"])

    gateway = collect_resources(ec2net.INTERNET_GATEWAY, reader, REGION)[igw]
    routes = collect_resources(ec2net.ROUTE_TABLE, reader, REGION)[table]

    assert (gateway.name, gateway.region, gateway.account) == ("edge", REGION, ACCOUNT)
    assert gateway.arn == f"{ARN}internet-gateway/{igw}"
    assert gateway.tags == {"Name": "edge", "team": "net"}
    assert _edges(gateway) == {("vpc", f"{ARN}vpc/{vpc['vpc']}")}
    assert routes.name == "public"
    assert routes.arn == f"{ARN}route-table/{table}"
    assert routes.tags == {"Name": "public"}
    assert _edges(routes) == {
        ("vpc", f"{ARN}vpc/{vpc['vpc']}"),
        ("subnet", f"{ARN}subnet/{vpc['subnet']}"),
        ("internet-gateway", f"{ARN}internet-gateway/{igw}"),  # not the "local" route
    }


def test_route_table_hash_ignores_route_order(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    table = ec2.create_route_table(VpcId=vpc["vpc"])["RouteTable"]["RouteTableId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc["vpc"])
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    raw = next(
        item.data
        for page in collect_pages(ec2net.ROUTE_TABLE, reader, REGION)
        for item in page.items
        if item.data["RouteTableId"] == table
    )
    shuffled = copy.deepcopy(raw)
    shuffled["Routes"].reverse()
    assert shuffled != raw

    original = normalize_resource(ec2net.ROUTE_TABLE, ACCOUNT, REGION, raw)

    assert normalize_resource(ec2net.ROUTE_TABLE, ACCOUNT, REGION, shuffled).hash == original.hash


def test_egress_only_gateway_and_network_acl(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    eigw = ec2.create_egress_only_internet_gateway(
        VpcId=vpc["vpc"], TagSpecifications=_tagged("egress-only-internet-gateway", Name="v6")
    )["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    acl = ec2.create_network_acl(
        VpcId=vpc["vpc"], TagSpecifications=_tagged("network-acl", Name="strict", tier="db")
    )["NetworkAcl"]["NetworkAclId"]

    gateway = collect_resources(ec2net.EGRESS_ONLY_INTERNET_GATEWAY, reader, REGION)[eigw]
    found = collect_resources(ec2net.NETWORK_ACL, reader, REGION)[acl]

    assert (gateway.name, gateway.region, gateway.account) == ("v6", REGION, ACCOUNT)
    assert gateway.arn == f"{ARN}egress-only-internet-gateway/{eigw}"
    assert gateway.tags == {"Name": "v6"}
    assert _edges(gateway) == {("vpc", f"{ARN}vpc/{vpc['vpc']}")}
    assert found.name == "strict"
    assert found.arn == f"{ARN}network-acl/{acl}"
    assert found.tags == {"Name": "strict", "tier": "db"}
    assert ("vpc", f"{ARN}vpc/{vpc['vpc']}") in _edges(found)


def test_network_interface_and_elastic_ip(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    eni = ec2.create_network_interface(
        SubnetId=vpc["subnet"],
        Groups=[vpc["group"]],
        TagSpecifications=_tagged("network-interface", Name="app-eni", team="core"),
    )["NetworkInterface"]["NetworkInterfaceId"]
    allocation = ec2.allocate_address(
        Domain="vpc", TagSpecifications=_tagged("elastic-ip", Name="front")
    )["AllocationId"]
    ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni)

    interface = collect_resources(ec2net.NETWORK_INTERFACE, reader, REGION)[eni]
    address = collect_resources(ec2net.ELASTIC_IP, reader, REGION)[allocation]

    assert (interface.name, interface.region, interface.account) == ("app-eni", REGION, ACCOUNT)
    assert interface.arn == f"{ARN}network-interface/{eni}"
    assert interface.tags == {"Name": "app-eni", "team": "core"}
    assert _edges(interface) == {
        ("vpc", f"{ARN}vpc/{vpc['vpc']}"),
        ("subnet", f"{ARN}subnet/{vpc['subnet']}"),
        ("security-group", f"{ARN}security-group/{vpc['group']}"),
    }
    assert address.name == "front"
    assert address.arn == f"{ARN}elastic-ip/{allocation}"
    assert address.tags == {"Name": "front"}
    assert ("network-interface", f"{ARN}network-interface/{eni}") in _edges(address)


def test_vpc_endpoint(ec2: EC2Client, vpc: dict[str, str], reader: AccountSession) -> None:
    table = ec2.create_route_table(VpcId=vpc["vpc"])["RouteTable"]["RouteTableId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc["vpc"],
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[table],
        TagSpecifications=_tagged("vpc-endpoint", Name="s3"),
    )["VpcEndpoint"]["VpcEndpointId"]

    found = collect_resources(ec2net.VPC_ENDPOINT, reader, REGION)[endpoint]

    assert (found.name, found.region, found.account) == ("s3", REGION, ACCOUNT)
    assert found.arn == f"{ARN}vpc-endpoint/{endpoint}"
    assert found.tags == {"Name": "s3"}
    assert {
        ("vpc", f"{ARN}vpc/{vpc['vpc']}"),
        ("route-table", f"{ARN}route-table/{table}"),
    } <= _edges(found)


def test_vpc_peering_connection(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    peering = ec2.create_vpc_peering_connection(
        VpcId=vpc["vpc"],
        PeerVpcId=other,
        TagSpecifications=_tagged("vpc-peering-connection", Name="a-b"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]

    found = collect_resources(ec2net.VPC_PEERING_CONNECTION, reader, REGION)[peering]

    assert (found.name, found.region, found.account) == ("a-b", REGION, ACCOUNT)
    assert found.arn == f"{ARN}vpc-peering-connection/{peering}"
    assert found.tags == {"Name": "a-b"}
    assert _edges(found) == {
        ("requester-vpc", f"{ARN}vpc/{vpc['vpc']}"),
        ("accepter-vpc", f"{ARN}vpc/{other}"),
    }


def test_a_peer_vpc_in_another_account_and_region_is_named_there() -> None:
    peering = {
        "VpcPeeringConnectionId": "pcx-0123456789abcdef0",
        "RequesterVpcInfo": {"VpcId": "vpc-0aa", "OwnerId": ACCOUNT, "Region": REGION},
        "AccepterVpcInfo": {"VpcId": "vpc-0bb", "OwnerId": "222222222222", "Region": "cn-north-1"},
        "Status": {"Code": "active"},
    }
    item = {**peering, **ec2net.peered_vpcs(peering)}

    found = normalize_resource(ec2net.VPC_PEERING_CONNECTION, ACCOUNT, REGION, item)

    assert found.account == ACCOUNT
    assert _edges(found) == {
        ("requester-vpc", f"{ARN}vpc/vpc-0aa"),
        ("accepter-vpc", "arn:aws-cn:ec2:cn-north-1:222222222222:vpc/vpc-0bb"),
    }


def test_nat_gateway(ec2: EC2Client, vpc: dict[str, str], reader: AccountSession) -> None:
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=vpc["subnet"],
        AllocationId=allocation,
        TagSpecifications=_tagged("natgateway", Name="egress"),
    )["NatGateway"]["NatGatewayId"]

    found = collect_resources(ec2net.NAT_GATEWAY, reader, REGION)[nat]

    assert (found.name, found.region, found.account) == ("egress", REGION, ACCOUNT)
    assert found.arn == f"{ARN}natgateway/{nat}"
    assert found.tags == {"Name": "egress"}
    assert {
        ("vpc", f"{ARN}vpc/{vpc['vpc']}"),
        ("subnet", f"{ARN}subnet/{vpc['subnet']}"),
        ("elastic-ip", f"{ARN}elastic-ip/{allocation}"),
    } <= _edges(found)


def test_a_deleted_nat_gateway_is_not_listed(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=vpc["subnet"], AllocationId=allocation)["NatGateway"]
    ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    (listed,) = ec2.describe_nat_gateways()["NatGateways"]
    assert listed["State"] == "deleted"  # AWS lists it for an hour more

    assert collect_resources(ec2net.NAT_GATEWAY, reader, REGION) == {}


def test_transit_gateway_attachment_and_route_table(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    tgw = ec2.create_transit_gateway(
        Description="core", TagSpecifications=_tagged("transit-gateway", Name="hub")
    )["TransitGateway"]["TransitGatewayId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw,
        VpcId=vpc["vpc"],
        SubnetIds=[vpc["subnet"]],
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    # moto 5.2 drops the TagSpecifications of a VPC attachment
    ec2.create_tags(Resources=[attachment], Tags=[{"Key": "Name", "Value": "spoke"}])
    table = ec2.create_transit_gateway_route_table(
        TransitGatewayId=tgw, TagSpecifications=_tagged("transit-gateway-route-table", Name="rt")
    )["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]

    hub = collect_resources(ec2net.TRANSIT_GATEWAY, reader, REGION)[tgw]
    spoke = collect_resources(ec2net.TRANSIT_GATEWAY_ATTACHMENT, reader, REGION)[attachment]
    routes = collect_resources(ec2net.TRANSIT_GATEWAY_ROUTE_TABLE, reader, REGION)[table]

    assert (hub.name, hub.region, hub.account) == ("hub", REGION, ACCOUNT)
    assert hub.arn == f"{ARN}transit-gateway/{tgw}"
    assert hub.tags == {"Name": "hub"}
    default = hub.config["Options"]["AssociationDefaultRouteTableId"]
    assert _edges(hub) == {
        ("association-route-table", f"{ARN}transit-gateway-route-table/{default}"),
        ("propagation-route-table", f"{ARN}transit-gateway-route-table/{default}"),
    }
    assert (spoke.name, spoke.account) == ("spoke", ACCOUNT)
    assert spoke.arn == f"{ARN}transit-gateway-attachment/{attachment}"
    assert spoke.tags == {"Name": "spoke"}
    assert {
        ("transit-gateway", f"{ARN}transit-gateway/{tgw}"),
        ("vpc", f"{ARN}vpc/{vpc['vpc']}"),
    } <= _edges(spoke)
    assert routes.name == "rt"
    assert routes.arn == f"{ARN}transit-gateway-route-table/{table}"
    assert routes.tags == {"Name": "rt"}
    assert _edges(routes) == {("transit-gateway", f"{ARN}transit-gateway/{tgw}")}


def test_an_attachment_of_a_participants_vpc_is_the_participants() -> None:
    participant = "222222222222"
    attachment = {
        "TransitGatewayAttachmentId": "tgw-attach-0123456789abcdef0",
        "TransitGatewayId": "tgw-0aa",
        "TransitGatewayOwnerId": ACCOUNT,
        "ResourceType": "vpc",
        "ResourceId": "vpc-0bb",
        "ResourceOwnerId": participant,
        "State": "available",
    }
    items = [(REGION, attachment, ())]

    found = normalize_page(ec2net.TRANSIT_GATEWAY_ATTACHMENT, ACCOUNT, items)

    assert found.records == []
    (shared,) = found.foreign
    assert shared.account == participant


def test_vpn_gateway_customer_gateway_and_connection(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    vgw = ec2.create_vpn_gateway(
        Type="ipsec.1", TagSpecifications=_tagged("vpn-gateway", Name="vgw")
    )["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc["vpc"])
    cgw = ec2.create_customer_gateway(
        Type="ipsec.1",
        PublicIp="203.0.113.12",
        BgpAsn=65000,
        TagSpecifications=_tagged("customer-gateway", Name="office"),
    )["CustomerGateway"]["CustomerGatewayId"]
    vpn = ec2.create_vpn_connection(
        Type="ipsec.1",
        CustomerGatewayId=cgw,
        VpnGatewayId=vgw,
        TagSpecifications=_tagged("vpn-connection", Name="office-vpn"),
    )["VpnConnection"]["VpnConnectionId"]

    gateway = collect_resources(ec2net.VPN_GATEWAY, reader, REGION)[vgw]
    customer = collect_resources(ec2net.CUSTOMER_GATEWAY, reader, REGION)[cgw]
    connection = collect_resources(ec2net.VPN_CONNECTION, reader, REGION)[vpn]

    assert (gateway.name, gateway.region, gateway.account) == ("vgw", REGION, ACCOUNT)
    assert gateway.arn == f"{ARN}vpn-gateway/{vgw}"
    assert gateway.tags == {"Name": "vgw"}
    assert _edges(gateway) == {("vpc", f"{ARN}vpc/{vpc['vpc']}")}
    assert customer.name == "office"
    assert customer.arn == f"{ARN}customer-gateway/{cgw}"
    assert customer.tags == {"Name": "office"}
    assert connection.name == "office-vpn"
    assert connection.arn == f"{ARN}vpn-connection/{vpn}"
    assert connection.tags == {"Name": "office-vpn"}
    assert _edges(connection) == {
        ("customer-gateway", f"{ARN}customer-gateway/{cgw}"),
        ("vpn-gateway", f"{ARN}vpn-gateway/{vgw}"),
    }
    assert "CustomerGatewayConfiguration" not in connection.config


def test_vpn_connection_keeps_no_secret_and_ignores_telemetry() -> None:
    connection = {
        "VpnConnectionId": "vpn-0123456789abcdef0",
        "CustomerGatewayId": "cgw-0aa",
        "VpnGatewayId": "vgw-0bb",
        "Type": "ipsec.1",
        "State": "available",
        "CustomerGatewayConfiguration": "<vpn_connection><pre_shared_key>s3cr3t</pre_shared_key>",
        "Options": {"TunnelOptions": [{"OutsideIpAddress": "198.51.100.1", "PreSharedKey": "k"}]},
        "VgwTelemetry": [{"Status": "UP", "AcceptedRouteCount": 3}],
    }
    flapped = copy.deepcopy(connection)
    flapped["VgwTelemetry"] = [{"Status": "DOWN", "AcceptedRouteCount": 0}]

    found = normalize_resource(ec2net.VPN_CONNECTION, ACCOUNT, REGION, connection)

    assert "s3cr3t" not in str(found.config) and "PreSharedKey" not in str(found.config)
    assert normalize_resource(ec2net.VPN_CONNECTION, ACCOUNT, REGION, flapped).hash == found.hash


def test_flow_log(
    member: boto3.Session, ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/flow-logs"
    group = "vpc-flows"
    member.client("logs", region_name=REGION).create_log_group(logGroupName=group)
    member.client("s3", region_name=REGION).create_bucket(
        Bucket="flow-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    (flow,) = ec2.create_flow_logs(
        ResourceIds=[vpc["vpc"]],
        ResourceType="VPC",
        TrafficType="ALL",
        LogGroupName=group,
        DeliverLogsPermissionArn=role,
        TagSpecifications=_tagged("vpc-flow-log", Name="flows"),
    )["FlowLogIds"]
    (to_s3,) = ec2.create_flow_logs(
        ResourceIds=[vpc["subnet"]],
        ResourceType="Subnet",
        TrafficType="REJECT",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-bucket",  # moto 5.2 takes a prefix for the bucket
    )["FlowLogIds"]

    found = collect_resources(ec2net.FLOW_LOG, reader, REGION)

    flows = found[flow]
    assert (flows.name, flows.region, flows.account) == ("flows", REGION, ACCOUNT)
    assert flows.arn == f"{ARN}vpc-flow-log/{flow}"
    assert flows.tags == {"Name": "flows"}
    assert {("vpc", f"{ARN}vpc/{vpc['vpc']}"), ("delivery-role", role)} <= _edges(flows)
    assert _edges(found[to_s3]) >= {
        ("subnet", f"{ARN}subnet/{vpc['subnet']}"),
        ("bucket", "arn:aws:s3:::flow-bucket"),
    }


def test_a_flow_logs_bucket_is_named_without_its_prefix() -> None:
    flow = {"LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::flow-bucket/vpc/a/"}

    assert ec2net.flow_log_bucket(flow) == {"LogDestinationBucketArn": "arn:aws:s3:::flow-bucket"}
    assert ec2net.flow_log_bucket({**flow, "LogDestinationType": "cloud-watch-logs"}) == {}


def test_dhcp_options_and_prefix_list(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    options = ec2.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name-servers", "Values": ["10.0.0.2", "10.0.0.3"]}],
    )["DhcpOptions"]["DhcpOptionsId"]
    # moto 5.2 drops the TagSpecifications of DHCP options
    ec2.create_tags(Resources=[options], Tags=[{"Key": "Name", "Value": "corp"}])
    prefix_list = ec2.create_managed_prefix_list(
        PrefixListName="offices",
        AddressFamily="IPv4",
        MaxEntries=5,
        Entries=[{"Cidr": "203.0.113.0/24"}],
        TagSpecifications=_tagged("prefix-list", team="net"),
    )["PrefixList"]["PrefixListId"]

    dhcp = collect_resources(ec2net.DHCP_OPTIONS, reader, REGION)[options]
    (page,) = collect_pages(ec2net.MANAGED_PREFIX_LIST, reader, REGION)
    lists = normalize_page(
        ec2net.MANAGED_PREFIX_LIST, ACCOUNT, [(i.region, i.data, ()) for i in page.items]
    )

    assert (dhcp.name, dhcp.region, dhcp.account) == ("corp", REGION, ACCOUNT)
    assert dhcp.arn == f"{ARN}dhcp-options/{options}"
    assert dhcp.tags == {"Name": "corp"}
    (own,) = lists.records  # AWS's own lists (s3, dynamodb) are left out
    assert (own.id, own.name, own.account) == (prefix_list, "offices", ACCOUNT)
    assert own.arn == f"{ARN}prefix-list/{prefix_list}"
    assert own.tags == {"team": "net"}
    assert lists.foreign and all(r.account == "AWS" for r in lists.foreign)


def test_dhcp_options_hash_ignores_value_order() -> None:
    options = {
        "DhcpOptionsId": "dopt-0123456789abcdef0",
        "OwnerId": ACCOUNT,
        "DhcpConfigurations": [
            {
                "Key": "domain-name-servers",
                "Values": [{"Value": "10.0.0.2"}, {"Value": "10.0.0.3"}],
            },
            {"Key": "domain-name", "Values": [{"Value": "corp.example"}]},
        ],
    }
    shuffled = copy.deepcopy(options)
    shuffled["DhcpConfigurations"].reverse()
    shuffled["DhcpConfigurations"][1]["Values"].reverse()

    spec = ec2net.DHCP_OPTIONS
    assert (
        normalize_resource(spec, ACCOUNT, REGION, shuffled).hash
        == normalize_resource(spec, ACCOUNT, REGION, options).hash
    )


def test_carrier_gateway(ec2: EC2Client, vpc: dict[str, str], reader: AccountSession) -> None:
    cagw = ec2.create_carrier_gateway(
        VpcId=vpc["vpc"], TagSpecifications=_tagged("carrier-gateway", Name="5g")
    )["CarrierGateway"]["CarrierGatewayId"]

    found = collect_resources(ec2net.CARRIER_GATEWAY, reader, REGION)[cagw]

    assert (found.name, found.region, found.account) == ("5g", REGION, ACCOUNT)
    assert found.arn == f"{ARN}carrier-gateway/{cagw}"
    assert found.tags == {"Name": "5g"}
    assert _edges(found) == {("vpc", f"{ARN}vpc/{vpc['vpc']}")}


def test_vpc_endpoint_service(
    member: boto3.Session, ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    balancer = member.client("elbv2", region_name=REGION).create_load_balancer(
        Name="backend", Subnets=[vpc["subnet"]], Type="network"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    service = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[balancer],
        TagSpecifications=_tagged("vpc-endpoint-service", team="api"),
    )["ServiceConfiguration"]
    service_id = service["ServiceId"]

    found = collect_resources(ec2net.VPC_ENDPOINT_SERVICE, reader, REGION)[service_id]

    assert (found.name, found.region, found.account) == (service["ServiceName"], REGION, ACCOUNT)
    assert found.arn == f"{ARN}vpc-endpoint-service/{service_id}"
    assert found.tags == {"team": "api"}
    assert _edges(found) == {("load-balancer", balancer)}


def test_instance_connect_endpoint() -> None:
    # moto 5.2 lacks DescribeInstanceConnectEndpoints
    endpoint_id = "eice-0123456789abcdef0"
    endpoint = {
        "OwnerId": ACCOUNT,
        "InstanceConnectEndpointId": endpoint_id,
        "InstanceConnectEndpointArn": f"{ARN}instance-connect-endpoint/{endpoint_id}",
        "State": "create-complete",
        "DnsName": f"{endpoint_id}.11111111.ec2-instance-connect-endpoint.{REGION}.amazonaws.com",
        "NetworkInterfaceIds": ["eni-0aa"],
        "VpcId": "vpc-0bb",
        "AvailabilityZone": f"{REGION}a",
        "CreatedAt": dt.datetime(2024, 5, 2, 9, 0, tzinfo=dt.UTC),
        "SubnetId": "subnet-0cc",
        "PreserveClientIp": False,
        "SecurityGroupIds": ["sg-0dd", "sg-0ee"],
        "Tags": [{"Key": "Name", "Value": "bastion"}],
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response(
            "describe_instance_connect_endpoints",
            {"InstanceConnectEndpoints": [endpoint]},
            {"MaxResults": 50},
        )
        found = collect_resources(ec2net.INSTANCE_CONNECT_ENDPOINT, session, REGION)[endpoint_id]

    assert (found.name, found.region, found.account) == ("bastion", REGION, ACCOUNT)
    assert found.arn == f"{ARN}instance-connect-endpoint/{endpoint_id}"
    assert found.tags == {"Name": "bastion"}
    assert _edges(found) == {
        ("vpc", f"{ARN}vpc/vpc-0bb"),
        ("subnet", f"{ARN}subnet/subnet-0cc"),
        ("security-group", f"{ARN}security-group/sg-0dd"),
        ("security-group", f"{ARN}security-group/sg-0ee"),
        ("network-interface", f"{ARN}network-interface/eni-0aa"),
    }


def test_client_vpn_endpoint() -> None:
    # moto 5.2 lacks DescribeClientVpnEndpoints
    endpoint_id = "cvpn-endpoint-0123456789abcdef0"
    server = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"
    endpoint = {
        "ClientVpnEndpointId": endpoint_id,
        "Description": "staff",
        "Status": {"Code": "available"},
        "CreationTime": "2024-05-02T09:00:00",
        "DnsName": f"*.{endpoint_id}.prod.clientvpn.{REGION}.amazonaws.com",
        "ClientCidrBlock": "172.16.0.0/22",
        "DnsServers": ["10.8.0.2", "10.8.0.3"],
        "SplitTunnel": True,
        "VpnProtocol": "openvpn",
        "TransportProtocol": "udp",
        "VpnPort": 443,
        "ServerCertificateArn": server,
        "AuthenticationOptions": [
            {
                "Type": "certificate-authentication",
                "MutualAuthentication": {"ClientRootCertificateChain": server},
            }
        ],
        "ConnectionLogOptions": {"Enabled": False},
        "SecurityGroupIds": ["sg-0dd"],
        "VpcId": "vpc-0bb",
        "Tags": [{"Key": "Name", "Value": "staff-vpn"}],
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response(
            "describe_client_vpn_endpoints",
            {"ClientVpnEndpoints": [endpoint]},
            {"MaxResults": 1000},
        )
        found = collect_resources(ec2net.CLIENT_VPN_ENDPOINT, session, REGION)[endpoint_id]

    assert (found.name, found.region, found.account) == ("staff-vpn", REGION, ACCOUNT)
    assert found.arn == f"{ARN}client-vpn-endpoint/{endpoint_id}"
    assert found.tags == {"Name": "staff-vpn"}
    assert _edges(found) == {
        ("vpc", f"{ARN}vpc/vpc-0bb"),
        ("security-group", f"{ARN}security-group/sg-0dd"),
        ("certificate", server),
    }


def test_traffic_mirror_target_filter_and_session(
    ec2: EC2Client, vpc: dict[str, str], reader: AccountSession
) -> None:
    source, sink = (
        ec2.create_network_interface(SubnetId=vpc["subnet"])["NetworkInterface"][
            "NetworkInterfaceId"
        ]
        for _ in range(2)
    )
    target = ec2.create_traffic_mirror_target(
        NetworkInterfaceId=sink, TagSpecifications=_tagged("traffic-mirror-target", Name="ids")
    )["TrafficMirrorTarget"]["TrafficMirrorTargetId"]
    mirror_filter = ec2.create_traffic_mirror_filter(
        TagSpecifications=_tagged("traffic-mirror-filter", Name="all-tcp")
    )["TrafficMirrorFilter"]["TrafficMirrorFilterId"]
    session = ec2.create_traffic_mirror_session(
        NetworkInterfaceId=source,
        TrafficMirrorTargetId=target,
        TrafficMirrorFilterId=mirror_filter,
        SessionNumber=1,
        TagSpecifications=_tagged("traffic-mirror-session", Name="web-to-ids"),
    )["TrafficMirrorSession"]["TrafficMirrorSessionId"]

    found_target = collect_resources(ec2net.TRAFFIC_MIRROR_TARGET, reader, REGION)[target]
    found_filter = collect_resources(ec2net.TRAFFIC_MIRROR_FILTER, reader, REGION)[mirror_filter]
    found = collect_resources(ec2net.TRAFFIC_MIRROR_SESSION, reader, REGION)[session]

    assert (found_target.name, found_target.account) == ("ids", ACCOUNT)
    assert found_target.arn == f"{ARN}traffic-mirror-target/{target}"
    assert found_target.tags == {"Name": "ids"}
    assert _edges(found_target) == {("network-interface", f"{ARN}network-interface/{sink}")}
    assert found_filter.name == "all-tcp"
    assert found_filter.arn == f"{ARN}traffic-mirror-filter/{mirror_filter}"
    assert (found.name, found.region, found.account) == ("web-to-ids", REGION, ACCOUNT)
    assert found.arn == f"{ARN}traffic-mirror-session/{session}"
    assert found.tags == {"Name": "web-to-ids"}
    assert _edges(found) == {
        ("source", f"{ARN}network-interface/{source}"),
        ("target", f"{ARN}traffic-mirror-target/{target}"),
        ("filter", f"{ARN}traffic-mirror-filter/{mirror_filter}"),
    }


IPAM_ARN = f"arn:aws:ec2::{ACCOUNT}:"


def test_ipam_scope_and_pool() -> None:
    # moto 5.2 lacks DescribeIpams, DescribeIpamScopes and DescribeIpamPools
    ipam = {
        "OwnerId": ACCOUNT,
        "IpamId": "ipam-0aa",
        "IpamArn": f"{IPAM_ARN}ipam/ipam-0aa",
        "IpamRegion": REGION,
        "PublicDefaultScopeId": "ipam-scope-0pub",
        "PrivateDefaultScopeId": "ipam-scope-0priv",
        "ScopeCount": 2,
        "OperatingRegions": [{"RegionName": REGION}, {"RegionName": "eu-central-1"}],
        "State": "create-complete",
        "Tags": [{"Key": "Name", "Value": "org-ipam"}],
        "Tier": "advanced",
    }
    scope = {
        "OwnerId": ACCOUNT,
        "IpamScopeId": "ipam-scope-0priv",
        "IpamScopeArn": f"{IPAM_ARN}ipam-scope/ipam-scope-0priv",
        "IpamArn": f"{IPAM_ARN}ipam/ipam-0aa",
        "IpamRegion": REGION,
        "IpamScopeType": "private",
        "IsDefault": True,
        "PoolCount": 3,
        "State": "create-complete",
        "Tags": [],
    }
    pool = {
        "OwnerId": ACCOUNT,
        "IpamPoolId": "ipam-pool-0eu",
        "SourceIpamPoolId": "ipam-pool-0top",
        "IpamPoolArn": f"{IPAM_ARN}ipam-pool/ipam-pool-0eu",
        "IpamScopeArn": f"{IPAM_ARN}ipam-scope/ipam-scope-0priv",
        "IpamScopeType": "private",
        "IpamArn": f"{IPAM_ARN}ipam/ipam-0aa",
        "IpamRegion": REGION,
        "Locale": REGION,
        "PoolDepth": 2,
        "State": "create-complete",
        "AddressFamily": "ipv4",
        "Tags": [{"Key": "Name", "Value": "eu-west"}],
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response("describe_ipams", {"Ipams": [ipam]}, {"MaxResults": 1000})
        stubber.add_response("describe_ipam_scopes", {"IpamScopes": [scope]}, {"MaxResults": 1000})
        stubber.add_response("describe_ipam_pools", {"IpamPools": [pool]}, {"MaxResults": 1000})
        found_ipam = collect_resources(ec2net.IPAM, session, REGION)["ipam-0aa"]
        found_scope = collect_resources(ec2net.IPAM_SCOPE, session, REGION)["ipam-scope-0priv"]
        found = collect_resources(ec2net.IPAM_POOL, session, REGION)["ipam-pool-0eu"]

    assert (found_ipam.name, found_ipam.region, found_ipam.account) == ("org-ipam", REGION, ACCOUNT)
    assert found_ipam.arn == f"{IPAM_ARN}ipam/ipam-0aa"
    assert found_ipam.tags == {"Name": "org-ipam"}
    assert _edges(found_ipam) == {
        ("private-scope", f"{IPAM_ARN}ipam-scope/ipam-scope-0priv"),
        ("public-scope", f"{IPAM_ARN}ipam-scope/ipam-scope-0pub"),
    }
    assert "ScopeCount" not in found_ipam.config
    assert found_scope.arn == f"{IPAM_ARN}ipam-scope/ipam-scope-0priv"
    assert _edges(found_scope) == {("ipam", f"{IPAM_ARN}ipam/ipam-0aa")}
    assert (found.name, found.region, found.account) == ("eu-west", REGION, ACCOUNT)
    assert found.arn == f"{IPAM_ARN}ipam-pool/ipam-pool-0eu"
    assert found.tags == {"Name": "eu-west"}
    assert _edges(found) == {
        ("ipam", f"{IPAM_ARN}ipam/ipam-0aa"),
        ("scope", f"{IPAM_ARN}ipam-scope/ipam-scope-0priv"),
        ("source-pool", f"{IPAM_ARN}ipam-pool/ipam-pool-0top"),
    }


# --- every unordered list and volatile field, on the API's own shape ------------------------


def _at(node: Any, parts: list[str], fn: Any) -> None:
    """Apply fn(parent, key) where a dotted path ends (`name[]` descends into a list)."""
    if not isinstance(node, dict) or not parts:
        return
    head, rest = parts[0], parts[1:]
    key = head.removesuffix("[]")
    if key not in node:
        return
    if not rest:
        fn(node, key)
    elif head.endswith("[]"):
        for element in node[key]:
            _at(element, rest, fn)
    else:
        _at(node[key], rest, fn)


def _two_then_reversed(parent: dict[str, Any], key: str) -> None:
    value = parent[key]
    if isinstance(value, str):
        parent[key] = f"{value}-2,{value}"
        return
    (first,) = value
    other = {**first, "_other": 1} if isinstance(first, dict) else f"{first}-2"
    parent[key] = [first, other]


def _reverse(parent: dict[str, Any], key: str) -> None:
    value = parent[key]
    if isinstance(value, str):
        parent[key] = ",".join(reversed(value.split(",")))
    else:
        value.reverse()


def _change(parent: dict[str, Any], key: str) -> None:
    parent[key] = {"changed": True}


def listed_and_moved(spec: ResourceSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """An example listing (the API's shape) whose unordered lists hold two distinct elements
    each, and the same listing with those lists reversed and every volatile field changed."""
    (data,) = example_items(spec)
    # Outer lists first, so the copied element's inner lists get two elements each in turn.
    for path in sorted(spec.unordered, key=lambda p: p.count(".")):
        _at(data, path.split("."), _two_then_reversed)
    moved = copy.deepcopy(data)
    for path in spec.unordered:
        _at(moved, path.split("."), _reverse)
    for path in spec.volatile:
        _at(moved, path.split("."), _change)
    assert moved != data
    return data, moved


def same_hash(spec: ResourceSpec, data: dict[str, Any], moved: dict[str, Any]) -> bool:
    return (
        normalize_resource(spec, ACCOUNT, REGION, moved).hash
        == normalize_resource(spec, ACCOUNT, REGION, data).hash
    )


@pytest.mark.parametrize(
    "spec", [s for s in ec2net.SPECS if s.unordered or s.volatile], ids=lambda s: s.type
)
def test_hash_ignores_order_and_volatile_fields(spec: ResourceSpec) -> None:
    data, moved = listed_and_moved(spec)

    assert same_hash(spec, data, moved)
    # Each declaration counts: without any one of them the hash moves.
    for name in ("unordered", "volatile"):
        paths = getattr(spec, name)
        for path in paths:
            without = dataclasses.replace(spec, **{name: tuple(p for p in paths if p != path)})
            assert not same_hash(without, data, moved), f"{name} {path} changes nothing"
