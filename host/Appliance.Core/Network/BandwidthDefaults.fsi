module Appliance.Core.Network.BandwidthDefaults

/// What is known about one configured camera; None where nothing was configured or measured.
type CameraObservation =
    {
        Name: string
        Width: int option
        Height: int option
        Fps: float option
        BitrateKbps: float option
        Gop: int option
        Codec: Appliance.Core.Network.Bandwidth.Codec option
    }

/// OpenEye's HD stream: "D1/4MP, 4,000Kbps, 15 IPS, 30 GOP IP Cameras" (4MP = 2688x1520).
val typicalHd: Appliance.Core.Network.Bandwidth.StreamProfile

/// OpenEye's SD stream: D1 at 15 IPS, GOP 30; the page gives no bitrate, so the codec model estimates it.
val typicalSd: Appliance.Core.Network.Bandwidth.StreamProfile

/// The "Recorder Data Usage" table's inputs (stated: weekly config backup, one image per alert per day; the rest
/// inferred from its figures: 45 MB/day baseline, 56 KB config, one 33 KB alert a day, 1.5 MB images, day + night image).
val typicalData: Appliance.Core.Network.Bandwidth.DataPolicy

/// "20 Minute Incident Backup (2MP to OWS)": 306 MB, i.e. 2,040 kbps (the bitrate the table implies).
val typicalExport: Appliance.Core.Network.Bandwidth.ExportPlan

/// A camera name usable in a plan input: control characters replaced, at most 100 characters, never empty.
val planName: index: int -> name: string -> string

/// A camera's plan entry: HD from the observation, SD = OpenEye's D1 at the HD frame rate (at most 15 IPS) and GOP.
val cameraSpec: index: int -> o: CameraObservation -> Appliance.Core.Network.Bandwidth.CameraSpec

/// Typical remote viewing: one viewer on a single camera (HD) 1 h a day, and, with several cameras, one viewer on
/// the smallest 4/9/16 grid that holds them (SD) 2 h a day.
val defaultViewing: cameraCount: int -> Appliance.Core.Network.Bandwidth.ViewingPattern list

/// The starting input for these cameras (at most `maxCameras`; the planner's limit).
val defaultInput: maxCameras: int -> cameras: CameraObservation list -> Appliance.Core.Network.Bandwidth.SitePlanInput

/// Codec from a stream's codec name as ingest plugins report it ("H264", "h265", "HEVC", "MJPEG"...).
val codecOfName: name: string -> Appliance.Core.Network.Bandwidth.Codec option

/// GOP in frames from a measured key-frame interval (seconds) and frame rate; None when either is unknown.
val gopOfInterval: fps: float option -> keyframeIntervalSeconds: float option -> int option
