module Appliance.Core.Network.Firewall

/// The table the appliance owns; nothing else in the ruleset is touched.
[<Literal>]
val TableName: string = "appliance"

/// Printable ASCII without quotes or backslashes: what an nft comment or a `#` line may hold (never shortened).
val sanitizeText: text: string -> string

/// nft limits a comment to 128 characters: a longer one is cut at the last word that fits, marked "...".
val sanitizeComment: text: string -> string

/// Prints a plan as an nft script that atomically replaces the `inet appliance` table.
val render: plan: Appliance.Core.Network.FirewallPlan.Plan -> string

/// Compiles the footprint under the zone policy into nft text, or every error (each naming the culprit).
val compile:
    policy: Appliance.Core.Network.Zones.ZonePolicy ->
    entries: Appliance.Core.Network.ResolvedEntry list ->
        Result<string, Appliance.Core.Network.Zones.PolicyError list>

/// What the plan does not open and why, in full (the ruleset carries the same notes as `# note:` lines).
val notes:
    policy: Appliance.Core.Network.Zones.ZonePolicy ->
    entries: Appliance.Core.Network.ResolvedEntry list ->
        Result<string list, Appliance.Core.Network.Zones.PolicyError list>

/// The FQDN sets the refresher must fill (empty unless outbound allowlist mode is on).
val fqdnSets:
    policy: Appliance.Core.Network.Zones.ZonePolicy ->
    entries: Appliance.Core.Network.ResolvedEntry list ->
        Result<Appliance.Core.Network.FirewallPlan.FqdnSet list, Appliance.Core.Network.Zones.PolicyError list>
