module Appliance.Core.Network.FirewallPlan

/// A destination port or inclusive range for one transport.
type PortMatch =
    {
        Transport: Appliance.Core.Manifest.Transport
        First: int
        Last: int
    }

/// Accept inbound traffic on the interfaces of one zone to one declared port.
type InboundRule =
    {
        Zone: string
        Interfaces: string list

        /// Some family when the rule matches source sets (they are per family); None = both families.
        Family: Appliance.Core.Network.Zones.IpFamily option

        /// Every set must hold the source address (management sources, the zone's source restriction).
        SourceSets: string list
        Port: PortMatch
        Owner: string
        Purpose: string
        Management: bool
    }

/// Accept outbound traffic (allowlist mode) through the interfaces of one zone to one declared port.
type OutboundRule =
    {
        Zone: string
        Interfaces: string list
        Family: Appliance.Core.Network.Zones.IpFamily option

        /// The destination must be in every set (FQDN addresses, management sources).
        DestinationSets: string list
        Port: PortMatch
        Owner: string
        Purpose: string
    }

/// A named address set with its fixed elements (FQDN sets start empty and are filled by the refresher).
type AddressSet =
    {
        Name: string
        Family: Appliance.Core.Network.Zones.IpFamily
        Elements: Appliance.Core.Network.Zones.Cidr list
        Purpose: string
    }

/// The two sets that hold the resolved addresses of one FQDN.
type FqdnSet =
    {
        Fqdn: string
        SetV4: string
        SetV6: string
        Owners: string list
    }

type Plan =
    {
        Sets: AddressSet list
        Input: InboundRule list

        /// None: outbound traffic is not filtered. Some rules: allowlist mode.
        Output: OutboundRule list option
        FqdnSets: FqdnSet list

        /// Entries that produced no rule, and why (e.g. a zone without interfaces).
        Notes: string list
    }

val portText: p: PortMatch -> string

/// RFC 1123 host name, lower case, no wildcard, no trailing dot.
val isValidFqdn: name: string -> bool

/// The zones an entry reaches: its own, or for "any"/"management" every zone but cameras (inbound) / every zone (outbound).
val targetZones:
    policy: Appliance.Core.Network.Zones.ZonePolicy ->
    direction: Appliance.Core.Manifest.Direction ->
    zone: string ->
        string list

/// Builds the rule model. Errors: invalid entries, unknown zones, port collisions between plugins.
val build:
    policy: Appliance.Core.Network.Zones.ZonePolicy ->
    entries: Appliance.Core.Network.ResolvedEntry list ->
        Result<Plan, Appliance.Core.Network.Zones.PolicyError list>
