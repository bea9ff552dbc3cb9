module Appliance.Core.Network.Firewall

/// The table the appliance owns; nothing else in the ruleset is touched.
[<Literal>]
val TableName: string = "appliance"

/// nft limits a comment to 128 characters; we keep printable ASCII without quotes.
val sanitizeComment: text: string -> string

/// Prints a plan as an nft script that atomically replaces the `inet appliance` table.
val render: plan: Appliance.Core.Network.FirewallPlan.Plan -> string

/// Compiles the footprint under the zone policy into nft text, or every error (each naming the culprit).
val compile:
    policy: Appliance.Core.Network.Zones.ZonePolicy ->
    entries: Appliance.Core.Network.ResolvedEntry list ->
        Result<string, Appliance.Core.Network.Zones.PolicyError list>

/// The FQDN sets the refresher must fill (empty unless outbound allowlist mode is on).
val fqdnSets:
    policy: Appliance.Core.Network.Zones.ZonePolicy ->
    entries: Appliance.Core.Network.ResolvedEntry list ->
        Result<Appliance.Core.Network.FirewallPlan.FqdnSet list, Appliance.Core.Network.Zones.PolicyError list>
