"""EC2 networking around the VPC: gateways, route tables, network ACLs, interfaces, Elastic
IPs, endpoints and endpoint services, peering, NAT, transit gateways, site-to-site and client
VPN, flow logs, DHCP options and managed prefix lists (regional, tags inline).

Few Describe* answers here give an ARN (transit gateways, prefix lists, EC2 Instance Connect
endpoints); the others are built as `arn:{partition}:ec2:{region}:{account}:<type>/{id}`,
with IAM's resource-type names (a NAT gateway is `natgateway`, a flow log `vpc-flow-log`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.aws.partitions import partition_of_region
from estate.resources.spec import Relation, ResourceSpec

_ARN = "arn:{partition}:ec2:{region}:{account}:"
_PAGE = {"MaxResults": 1000}

# Deleted gateways, connections and endpoints stay listed for an hour or more: a filter on
# their state keeps them out, so a deletion is seen as soon as AWS starts it.
_LIVE = ["pending", "available", "deleting"]


def _state(*values: str, name: str = "state") -> list[dict[str, Any]]:
    return [{"Name": name, "Values": list(values or _LIVE)}]


def _prefixed(items: str, field: str, prefix: str) -> str:
    """JMESPath: the `field` of each of `items` whose value starts with `prefix` (a route's
    GatewayId names an internet gateway, a VPN gateway, a gateway endpoint or `local`)."""
    return f"{items}[?starts_with({field} || '', '{prefix}')].{field}"


INTERNET_GATEWAY = ResourceSpec(
    type="ec2:internet-gateway",
    service="ec2",
    operation="DescribeInternetGateways",
    items="InternetGateways",
    id="InternetGatewayId",
    arn_template=_ARN + "internet-gateway/{id}",
    owner="OwnerId",
    params=_PAGE,
    unordered=("Attachments",),
    relations=(Relation("vpc", "ec2:vpc", "Attachments[].VpcId"),),
)

EGRESS_ONLY_INTERNET_GATEWAY = ResourceSpec(
    type="ec2:egress-only-internet-gateway",
    service="ec2",
    operation="DescribeEgressOnlyInternetGateways",
    items="EgressOnlyInternetGateways",
    id="EgressOnlyInternetGatewayId",
    arn_template=_ARN + "egress-only-internet-gateway/{id}",
    params={"MaxResults": 255},  # the API's largest page here
    unordered=("Attachments",),
    relations=(Relation("vpc", "ec2:vpc", "Attachments[].VpcId"),),
)

_ROUTE_TARGETS = (
    Relation("internet-gateway", "ec2:internet-gateway", _prefixed("Routes", "GatewayId", "igw-")),
    Relation("vpn-gateway", "ec2:vpn-gateway", _prefixed("Routes", "GatewayId", "vgw-")),
    Relation("vpc-endpoint", "ec2:vpc-endpoint", _prefixed("Routes", "GatewayId", "vpce-")),
    Relation(
        "egress-only-internet-gateway",
        "ec2:egress-only-internet-gateway",
        "Routes[].EgressOnlyInternetGatewayId",
    ),
    Relation("nat-gateway", "ec2:nat-gateway", "Routes[].NatGatewayId"),
    Relation("transit-gateway", "ec2:transit-gateway", "Routes[].TransitGatewayId"),
    Relation(
        "vpc-peering-connection", "ec2:vpc-peering-connection", "Routes[].VpcPeeringConnectionId"
    ),
    Relation("network-interface", "ec2:network-interface", "Routes[].NetworkInterfaceId"),
    Relation("instance", "ec2:instance", "Routes[].InstanceId"),
    Relation("carrier-gateway", "ec2:carrier-gateway", "Routes[].CarrierGatewayId"),
)

ROUTE_TABLE = ResourceSpec(
    type="ec2:route-table",
    service="ec2",
    operation="DescribeRouteTables",
    items="RouteTables",
    id="RouteTableId",
    arn_template=_ARN + "route-table/{id}",
    owner="OwnerId",
    params={"MaxResults": 100},  # the API's largest page here
    unordered=("Routes", "Associations", "PropagatingVgws"),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "Associations[].SubnetId"),
        *_ROUTE_TARGETS,
    ),
)

NETWORK_ACL = ResourceSpec(
    type="ec2:network-acl",
    service="ec2",
    operation="DescribeNetworkAcls",
    items="NetworkAcls",
    id="NetworkAclId",
    arn_template=_ARN + "network-acl/{id}",
    owner="OwnerId",
    params=_PAGE,
    # Entries are evaluated by their RuleNumber, not by their place in the list.
    unordered=("Entries", "Associations"),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "Associations[].SubnetId"),
    ),
)

NETWORK_INTERFACE = ResourceSpec(
    type="ec2:network-interface",
    service="ec2",
    operation="DescribeNetworkInterfaces",
    items="NetworkInterfaces",
    id="NetworkInterfaceId",
    arn_template=_ARN + "network-interface/{id}",
    owner="OwnerId",
    tags="TagSet",
    params=_PAGE,
    unordered=(
        "Groups",
        "PrivateIpAddresses",
        "Ipv6Addresses",
        "Ipv4Prefixes",
        "Ipv6Prefixes",
        "AssociatedSubnets",
    ),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "SubnetId"),
        Relation("security-group", "ec2:security-group", "Groups[].GroupId"),
        Relation("instance", "ec2:instance", "Attachment.InstanceId"),
    ),
)

ELASTIC_IP = ResourceSpec(
    type="ec2:elastic-ip",
    service="ec2",
    operation="DescribeAddresses",
    items="Addresses",
    id="AllocationId",
    arn_template=_ARN + "elastic-ip/{id}",
    single_call="DescribeAddresses takes no page token: it answers every address of the region",
    relations=(
        Relation("instance", "ec2:instance", "InstanceId"),
        Relation("network-interface", "ec2:network-interface", "NetworkInterfaceId"),
        Relation("subnet", "ec2:subnet", "SubnetId"),
    ),
)

VPC_ENDPOINT = ResourceSpec(
    type="ec2:vpc-endpoint",
    service="ec2",
    operation="DescribeVpcEndpoints",
    items="VpcEndpoints",
    id="VpcEndpointId",
    arn_template=_ARN + "vpc-endpoint/{id}",
    owner="OwnerId",
    params={
        **_PAGE,
        "Filters": _state(
            "pending", "available", "deleting", "pendingAcceptance", name="vpc-endpoint-state"
        ),
    },
    unordered=(
        "RouteTableIds",
        "SubnetIds",
        "Groups",
        "NetworkInterfaceIds",
        "DnsEntries",
        "Ipv4Prefixes",
        "Ipv6Prefixes",
    ),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "SubnetIds"),
        Relation("security-group", "ec2:security-group", "Groups[].GroupId"),
        Relation("route-table", "ec2:route-table", "RouteTableIds"),
        Relation("network-interface", "ec2:network-interface", "NetworkInterfaceIds"),
    ),
)


def _vpc_arn(info: Any) -> str | None:
    if not isinstance(info, Mapping):
        return None
    vpc, owner, region = info.get("VpcId"), info.get("OwnerId"), info.get("Region")
    if not (vpc and owner and region):
        return None
    return f"arn:{partition_of_region(str(region))}:ec2:{region}:{owner}:vpc/{vpc}"


def peered_vpcs(item: Mapping[str, Any]) -> dict[str, str]:
    """Pure: the ARNs of both VPCs of a peering connection. Each may be in another account
    and region than the collecting one, which a VPC id alone cannot say."""
    arns = {
        "RequesterVpcArn": _vpc_arn(item.get("RequesterVpcInfo")),
        "AccepterVpcArn": _vpc_arn(item.get("AccepterVpcInfo")),
    }
    return {key: arn for key, arn in arns.items() if arn}


VPC_PEERING_CONNECTION = ResourceSpec(
    type="ec2:vpc-peering-connection",
    service="ec2",
    operation="DescribeVpcPeeringConnections",
    items="VpcPeeringConnections",
    id="VpcPeeringConnectionId",
    # Both the requester's and the accepter's account list it: each records it as its own.
    arn_template=_ARN + "vpc-peering-connection/{id}",
    params={
        **_PAGE,
        # Rejected, failed, expired and deleted connections stay listed for days.
        "Filters": _state(
            "pending-acceptance", "provisioning", "active", "deleting", name="status-code"
        ),
    },
    derive=peered_vpcs,
    unordered=(
        "RequesterVpcInfo.CidrBlockSet",
        "RequesterVpcInfo.Ipv6CidrBlockSet",
        "AccepterVpcInfo.CidrBlockSet",
        "AccepterVpcInfo.Ipv6CidrBlockSet",
    ),
    relations=(
        Relation("requester-vpc", "ec2:vpc", "RequesterVpcArn"),
        Relation("accepter-vpc", "ec2:vpc", "AccepterVpcArn"),
    ),
)

NAT_GATEWAY = ResourceSpec(
    type="ec2:nat-gateway",
    service="ec2",
    operation="DescribeNatGateways",
    items="NatGateways",
    id="NatGatewayId",
    arn_template=_ARN + "natgateway/{id}",
    # A deleted NAT gateway stays listed for about an hour.
    params={**_PAGE, "Filter": _state("pending", "failed", "available", "deleting")},
    unordered=("NatGatewayAddresses",),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "SubnetId"),
        Relation("elastic-ip", "ec2:elastic-ip", "NatGatewayAddresses[].AllocationId"),
        Relation(
            "network-interface", "ec2:network-interface", "NatGatewayAddresses[].NetworkInterfaceId"
        ),
    ),
)

TRANSIT_GATEWAY = ResourceSpec(
    type="ec2:transit-gateway",
    service="ec2",
    operation="DescribeTransitGateways",
    items="TransitGateways",
    id="TransitGatewayId",
    arn="TransitGatewayArn",
    arn_template=_ARN + "transit-gateway/{id}",
    owner="OwnerId",  # shared through RAM, it is listed by every participant
    params={**_PAGE, "Filters": _state("pending", "available", "modifying", "deleting")},
    unordered=("Options.TransitGatewayCidrBlocks",),
    relations=(
        Relation(
            "association-route-table",
            "ec2:transit-gateway-route-table",
            "Options.AssociationDefaultRouteTableId",
        ),
        Relation(
            "propagation-route-table",
            "ec2:transit-gateway-route-table",
            "Options.PropagationDefaultRouteTableId",
        ),
    ),
)

TRANSIT_GATEWAY_ATTACHMENT = ResourceSpec(
    type="ec2:transit-gateway-attachment",
    service="ec2",
    operation="DescribeTransitGatewayAttachments",
    items="TransitGatewayAttachments",
    id="TransitGatewayAttachmentId",
    arn_template=_ARN + "transit-gateway-attachment/{id}",
    # A VPC attachment to a shared transit gateway is listed by both accounts: it belongs to
    # the VPC's owner, who made it; any other attachment to the transit gateway's owner.
    owner="ResourceType == 'vpc' && ResourceOwnerId || TransitGatewayOwnerId",
    params={
        **_PAGE,
        # Deleted, failed and rejected attachments stay listed for a while.
        "Filters": _state(
            "initiating",
            "initiatingRequest",
            "pendingAcceptance",
            "rollingBack",
            "pending",
            "available",
            "modifying",
            "deleting",
            "rejecting",
            "failing",
        ),
    },
    relations=(
        Relation("transit-gateway", "ec2:transit-gateway", "TransitGatewayId"),
        Relation(
            "route-table",
            "ec2:transit-gateway-route-table",
            "Association.TransitGatewayRouteTableId",
        ),
        Relation("vpc", "ec2:vpc", "[@][?ResourceType == 'vpc'].ResourceId"),
        Relation("vpn-connection", "ec2:vpn-connection", "[@][?ResourceType == 'vpn'].ResourceId"),
    ),
)

TRANSIT_GATEWAY_ROUTE_TABLE = ResourceSpec(
    type="ec2:transit-gateway-route-table",
    service="ec2",
    operation="DescribeTransitGatewayRouteTables",
    items="TransitGatewayRouteTables",
    id="TransitGatewayRouteTableId",
    arn_template=_ARN + "transit-gateway-route-table/{id}",
    params={**_PAGE, "Filters": _state()},
    relations=(Relation("transit-gateway", "ec2:transit-gateway", "TransitGatewayId"),),
)

VPN_GATEWAY = ResourceSpec(
    type="ec2:vpn-gateway",
    service="ec2",
    operation="DescribeVpnGateways",
    items="VpnGateways",
    id="VpnGatewayId",
    arn_template=_ARN + "vpn-gateway/{id}",
    params={"Filters": _state()},
    single_call="DescribeVpnGateways takes no page token: it answers every gateway of the region",
    unordered=("VpcAttachments",),
    relations=(Relation("vpc", "ec2:vpc", "VpcAttachments[].VpcId"),),
)

CUSTOMER_GATEWAY = ResourceSpec(
    type="ec2:customer-gateway",
    service="ec2",
    operation="DescribeCustomerGateways",
    items="CustomerGateways",
    id="CustomerGatewayId",
    arn_template=_ARN + "customer-gateway/{id}",
    params={"Filters": _state()},
    single_call="DescribeCustomerGateways takes no page token: it answers every gateway at once",
    relations=(Relation("certificate", "acm:certificate", "CertificateArn"),),
)

VPN_CONNECTION = ResourceSpec(
    type="ec2:vpn-connection",
    service="ec2",
    operation="DescribeVpnConnections",
    items="VpnConnections",
    id="VpnConnectionId",
    arn_template=_ARN + "vpn-connection/{id}",
    params={"Filters": _state()},
    single_call="DescribeVpnConnections takes no page token: it answers every connection at once",
    unordered=("Routes", "Options.TunnelOptions"),
    volatile=(
        # The tunnels' pre-shared keys, in the XML for the customer's device and in the tunnel
        # options: secrets, never recorded.
        "CustomerGatewayConfiguration",
        "Options.TunnelOptions[].PreSharedKey",
        # Tunnel status, accepted route counts and when they last changed: a heartbeat.
        "VgwTelemetry",
    ),
    relations=(
        Relation("customer-gateway", "ec2:customer-gateway", "CustomerGatewayId"),
        Relation("vpn-gateway", "ec2:vpn-gateway", "VpnGatewayId"),
        Relation("transit-gateway", "ec2:transit-gateway", "TransitGatewayId"),
    ),
)


def flow_log_bucket(item: Mapping[str, Any]) -> dict[str, str]:
    """Pure: the ARN of the S3 bucket a flow log delivers to (its destination may name a
    prefix inside the bucket: arn:aws:s3:::logs/vpc/)."""
    destination = item.get("LogDestination")
    if item.get("LogDestinationType") != "s3" or not destination:
        return {}
    return {"LogDestinationBucketArn": str(destination).split("/", 1)[0]}


def _flow_log_resource(prefix: str) -> str:
    return _prefixed("[@]", "ResourceId", prefix)


FLOW_LOG = ResourceSpec(
    type="ec2:flow-log",
    service="ec2",
    operation="DescribeFlowLogs",
    items="FlowLogs",
    id="FlowLogId",
    arn_template=_ARN + "vpc-flow-log/{id}",
    params=_PAGE,
    derive=flow_log_bucket,
    unordered=("TagFieldSpecifications",),
    relations=(
        Relation("vpc", "ec2:vpc", _flow_log_resource("vpc-")),
        Relation("subnet", "ec2:subnet", _flow_log_resource("subnet-")),
        Relation("network-interface", "ec2:network-interface", _flow_log_resource("eni-")),
        Relation(
            "transit-gateway-attachment",
            "ec2:transit-gateway-attachment",
            _flow_log_resource("tgw-attach-"),
        ),
        Relation(
            "log-group",
            "logs:log-group",
            "[@][?LogDestinationType == 'cloud-watch-logs'].LogDestination",
        ),
        # Older flow logs name their log group only.
        Relation(
            "log-group",
            "logs:log-group",
            "[@][?LogDestinationType == 'cloud-watch-logs' && !LogDestination].LogGroupName",
        ),
        Relation("bucket", "s3:bucket", "LogDestinationBucketArn"),
        Relation("delivery-role", "iam:role", "DeliverLogsPermissionArn"),
    ),
)

DHCP_OPTIONS = ResourceSpec(
    type="ec2:dhcp-options",
    service="ec2",
    operation="DescribeDhcpOptions",
    items="DhcpOptions",
    id="DhcpOptionsId",
    arn_template=_ARN + "dhcp-options/{id}",
    owner="OwnerId",
    params=_PAGE,
    unordered=("DhcpConfigurations", "DhcpConfigurations[].Values"),
)

MANAGED_PREFIX_LIST = ResourceSpec(
    type="ec2:managed-prefix-list",
    service="ec2",
    operation="DescribeManagedPrefixLists",
    items="PrefixLists",
    id="PrefixListId",
    name="PrefixListName",
    arn="PrefixListArn",
    arn_template=_ARN + "prefix-list/{id}",
    # AWS-managed lists (com.amazonaws.<region>.s3, OwnerId "AWS") and lists shared through
    # RAM are listed too: their OwnerId is not the collecting account, so they are left to
    # their owner. A filter cannot do it: owner-id wants the account id, and params are fixed.
    owner="OwnerId",
    params={"MaxResults": 100},  # the API's largest page here
)

CARRIER_GATEWAY = ResourceSpec(
    type="ec2:carrier-gateway",
    service="ec2",
    operation="DescribeCarrierGateways",
    items="CarrierGateways",
    id="CarrierGatewayId",
    arn_template=_ARN + "carrier-gateway/{id}",
    owner="OwnerId",
    params={**_PAGE, "Filters": _state()},
    relations=(Relation("vpc", "ec2:vpc", "VpcId"),),
)

VPC_ENDPOINT_SERVICE = ResourceSpec(
    type="ec2:vpc-endpoint-service",
    service="ec2",
    operation="DescribeVpcEndpointServiceConfigurations",
    items="ServiceConfigurations",
    # The services this account offers (not the ones it may connect to).
    id="ServiceId",
    name="ServiceName",
    arn_template=_ARN + "vpc-endpoint-service/{id}",
    params=_PAGE,
    unordered=(
        "AvailabilityZones",
        "AvailabilityZoneIds",
        "BaseEndpointDnsNames",
        "NetworkLoadBalancerArns",
        "GatewayLoadBalancerArns",
        "SupportedIpAddressTypes",
        "SupportedRegions",
        "ServiceType",
    ),
    relations=(
        Relation("load-balancer", "elbv2:load-balancer", "NetworkLoadBalancerArns"),
        Relation("load-balancer", "elbv2:load-balancer", "GatewayLoadBalancerArns"),
    ),
)

INSTANCE_CONNECT_ENDPOINT = ResourceSpec(
    type="ec2:instance-connect-endpoint",
    service="ec2",
    operation="DescribeInstanceConnectEndpoints",
    items="InstanceConnectEndpoints",
    id="InstanceConnectEndpointId",
    arn="InstanceConnectEndpointArn",
    arn_template=_ARN + "instance-connect-endpoint/{id}",
    owner="OwnerId",
    params={"MaxResults": 50},  # the API's largest page here
    unordered=("SecurityGroupIds", "NetworkInterfaceIds"),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "SubnetId"),
        Relation("security-group", "ec2:security-group", "SecurityGroupIds"),
        Relation("network-interface", "ec2:network-interface", "NetworkInterfaceIds"),
    ),
)

CLIENT_VPN_ENDPOINT = ResourceSpec(
    type="ec2:client-vpn-endpoint",
    service="ec2",
    operation="DescribeClientVpnEndpoints",
    items="ClientVpnEndpoints",
    id="ClientVpnEndpointId",
    arn_template=_ARN + "client-vpn-endpoint/{id}",
    params=_PAGE,
    unordered=(
        "SecurityGroupIds",
        "DnsServers",
        "AuthenticationOptions",
        "AssociatedTargetNetworks",
    ),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("security-group", "ec2:security-group", "SecurityGroupIds"),
        Relation("certificate", "acm:certificate", "ServerCertificateArn"),
        Relation(
            "certificate",
            "acm:certificate",
            "AuthenticationOptions[].MutualAuthentication.ClientRootCertificateChain",
        ),
        Relation("log-group", "logs:log-group", "ConnectionLogOptions.CloudwatchLogGroup"),
    ),
)

TRAFFIC_MIRROR_TARGET = ResourceSpec(
    type="ec2:traffic-mirror-target",
    service="ec2",
    operation="DescribeTrafficMirrorTargets",
    items="TrafficMirrorTargets",
    id="TrafficMirrorTargetId",
    arn_template=_ARN + "traffic-mirror-target/{id}",
    owner="OwnerId",  # shared through RAM, it is listed by the consumers too
    params=_PAGE,
    relations=(
        Relation("network-interface", "ec2:network-interface", "NetworkInterfaceId"),
        Relation("load-balancer", "elbv2:load-balancer", "NetworkLoadBalancerArn"),
        Relation("vpc-endpoint", "ec2:vpc-endpoint", "GatewayLoadBalancerEndpointId"),
    ),
)

TRAFFIC_MIRROR_FILTER = ResourceSpec(
    type="ec2:traffic-mirror-filter",
    service="ec2",
    operation="DescribeTrafficMirrorFilters",
    items="TrafficMirrorFilters",
    id="TrafficMirrorFilterId",
    arn_template=_ARN + "traffic-mirror-filter/{id}",
    params=_PAGE,
    # Rules are evaluated by their RuleNumber, not by their place in the list.
    unordered=("IngressFilterRules", "EgressFilterRules", "NetworkServices"),
)

TRAFFIC_MIRROR_SESSION = ResourceSpec(
    type="ec2:traffic-mirror-session",
    service="ec2",
    operation="DescribeTrafficMirrorSessions",
    items="TrafficMirrorSessions",
    id="TrafficMirrorSessionId",
    arn_template=_ARN + "traffic-mirror-session/{id}",
    owner="OwnerId",
    params=_PAGE,
    relations=(
        Relation("source", "ec2:network-interface", "NetworkInterfaceId"),
        Relation("target", "ec2:traffic-mirror-target", "TrafficMirrorTargetId"),
        Relation("filter", "ec2:traffic-mirror-filter", "TrafficMirrorFilterId"),
    ),
)

# IPAM's ARNs name no region (arn:aws:ec2::111111111111:ipam/ipam-0123…): an IPAM is made in
# one home region and listed there, managing the regions it operates in.
_IPAM_ARN = "arn:{partition}:ec2::{account}:"

IPAM = ResourceSpec(
    type="ec2:ipam",
    service="ec2",
    operation="DescribeIpams",
    items="Ipams",
    id="IpamId",
    arn="IpamArn",
    arn_template=_IPAM_ARN + "ipam/{id}",
    owner="OwnerId",
    params=_PAGE,
    unordered=("OperatingRegions",),
    # Counters of what hangs off the IPAM (those are records of their own).
    volatile=("ScopeCount", "ResourceDiscoveryAssociationCount"),
    relations=(
        Relation("private-scope", "ec2:ipam-scope", "PrivateDefaultScopeId"),
        Relation("public-scope", "ec2:ipam-scope", "PublicDefaultScopeId"),
    ),
)

IPAM_SCOPE = ResourceSpec(
    type="ec2:ipam-scope",
    service="ec2",
    operation="DescribeIpamScopes",
    items="IpamScopes",
    id="IpamScopeId",
    arn="IpamScopeArn",
    arn_template=_IPAM_ARN + "ipam-scope/{id}",
    owner="OwnerId",
    params=_PAGE,
    volatile=("PoolCount",),
    relations=(Relation("ipam", "ec2:ipam", "IpamArn"),),
)

IPAM_POOL = ResourceSpec(
    type="ec2:ipam-pool",
    service="ec2",
    operation="DescribeIpamPools",
    items="IpamPools",
    id="IpamPoolId",
    arn="IpamPoolArn",
    arn_template=_IPAM_ARN + "ipam-pool/{id}",
    owner="OwnerId",  # shared through RAM, it is listed by the consumers too
    params=_PAGE,
    unordered=("AllocationResourceTags",),
    relations=(
        Relation("ipam", "ec2:ipam", "IpamArn"),
        Relation("scope", "ec2:ipam-scope", "IpamScopeArn"),
        Relation("source-pool", "ec2:ipam-pool", "SourceIpamPoolId"),
    ),
)

SPECS = (
    INTERNET_GATEWAY,
    EGRESS_ONLY_INTERNET_GATEWAY,
    ROUTE_TABLE,
    NETWORK_ACL,
    NETWORK_INTERFACE,
    ELASTIC_IP,
    VPC_ENDPOINT,
    VPC_PEERING_CONNECTION,
    NAT_GATEWAY,
    TRANSIT_GATEWAY,
    TRANSIT_GATEWAY_ATTACHMENT,
    TRANSIT_GATEWAY_ROUTE_TABLE,
    VPN_GATEWAY,
    CUSTOMER_GATEWAY,
    VPN_CONNECTION,
    FLOW_LOG,
    DHCP_OPTIONS,
    MANAGED_PREFIX_LIST,
    CARRIER_GATEWAY,
    VPC_ENDPOINT_SERVICE,
    INSTANCE_CONNECT_ENDPOINT,
    CLIENT_VPN_ENDPOINT,
    TRAFFIC_MIRROR_TARGET,
    TRAFFIC_MIRROR_FILTER,
    TRAFFIC_MIRROR_SESSION,
    IPAM,
    IPAM_SCOPE,
    IPAM_POOL,
)
