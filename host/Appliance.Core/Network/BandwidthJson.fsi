module Appliance.Core.Network.BandwidthJson

/// Longer input (characters) is refused before parsing.
val maxJsonLength: int

val maxCameras: int

val maxViewingPatterns: int

val maxExports: int

val maxNameLength: int

/// Reads a parsed plan input; reading errors, then the planner's range checks, each as "path: message".
val readElement:
    root: System.Text.Json.JsonElement -> Result<Appliance.Core.Network.Bandwidth.SitePlanInput, string list>

/// Parses a plan input given as JSON text: every problem, each with its path.
val parse: json: string -> Result<Appliance.Core.Network.Bandwidth.SitePlanInput, string list>

/// The plan for a plan input given as JSON text, or every problem with its path.
val planJson: json: string -> Result<Appliance.Core.Network.Bandwidth.SitePlan, string list>

/// A plan input as JSON that `parse` reads back to the same input.
val writeInput: input: Appliance.Core.Network.Bandwidth.SitePlanInput -> string

/// A plan as JSON (figures rounded to 3 decimals): peakUploadKbps, recommendedUploadKbps, viewing, data,
/// totalMbPer30Days, averageMbPerDay, advice.
val writePlan: result: Appliance.Core.Network.Bandwidth.SitePlan -> string
