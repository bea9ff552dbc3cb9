module Appliance.Core.Network.ZonesJson

/// Larger input is refused before parsing.
val maxJsonLength: int

/// Reads a parsed "zones" element into a configuration (not yet validated) and the reading errors;
/// a setting that cannot be read is left at its default.
val readElement:
    root: System.Text.Json.JsonElement ->
        Appliance.Core.Network.Zones.ZoneConfig * Appliance.Core.Network.Zones.PolicyError list

/// Parses and validates a parsed "zones" element; returns reading and validation errors together.
val parseElement:
    root: System.Text.Json.JsonElement ->
        Result<Appliance.Core.Network.Zones.ZonePolicy, Appliance.Core.Network.Zones.PolicyError list>

/// Parses and validates the "zones" section given as JSON text.
val parse:
    json: string -> Result<Appliance.Core.Network.Zones.ZonePolicy, Appliance.Core.Network.Zones.PolicyError list>
