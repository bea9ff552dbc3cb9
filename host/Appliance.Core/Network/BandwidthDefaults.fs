/// A starting plan input for a site: the configured cameras with what is known about their streams (measured fps,
/// bitrate, key-frame interval), the rest from the OpenEye page's typical case (seed 002): 4MP HD at 4,000 kbps,
/// D1 SD, 15 IPS, GOP 30; its data-usage categories; one 20-minute 2MP clip export a month. Pure.
module Appliance.Core.Network.BandwidthDefaults

open System
open Appliance.Core.Network.Bandwidth

/// What is known about one configured camera; None where nothing was configured or measured.
type CameraObservation =
    {
        Name: string
        Width: int option
        Height: int option
        Fps: float option
        BitrateKbps: float option
        Gop: int option
        Codec: Codec option
    }

/// OpenEye's HD stream: "D1/4MP, 4,000Kbps, 15 IPS, 30 GOP IP Cameras" (4MP = 2688x1520).
let typicalHd =
    {
        Width = 2688
        Height = 1520
        Fps = 15.0
        Gop = 30
        Codec = H264
        Bitrate = Explicit 4000.0
    }

/// OpenEye's SD stream: D1 at 15 IPS, GOP 30; the page gives no bitrate, so the codec model estimates it.
let typicalSd =
    {
        Width = 720
        Height = 480
        Fps = 15.0
        Gop = 30
        Codec = H264
        Bitrate = Estimated
    }

/// The "Recorder Data Usage" table's inputs (stated: weekly config backup, one image per alert per day; the rest
/// inferred from its figures: 45 MB/day baseline, 56 KB config, one 33 KB alert a day, 1.5 MB images, day + night image).
let typicalData =
    {
        BaselineMbPerDay = 45.0
        ConfigBackupMb = 0.056
        ConfigBackupsPerWeek = 1.0
        AlertsPerDay = 1.0
        AlertMessageKb = 33.0
        AlertImagesPerAlert = 1.0
        ImageMb = 1.5
        DayNightImagesPerCameraPerDay = 2.0
    }

/// "20 Minute Incident Backup (2MP to OWS)": 306 MB, i.e. 2,040 kbps (the bitrate the table implies).
let typicalExport =
    {
        Label = "20 minute incident backup (2MP)"
        MinutesPerMonth = 20.0
        Profile =
            {
                Width = 1920
                Height = 1080
                Fps = 15.0
                Gop = 30
                Codec = H264
                Bitrate = Explicit 2040.0
            }
    }

let private maxNameLength = 100

/// A camera name usable in a plan input: control characters replaced, at most 100 characters, never empty.
let planName (index: int) (name: string) =
    let cleaned =
        (if String.IsNullOrEmpty name then "" else name)
        |> String.map (fun c -> if Char.IsControl c then ' ' else c)
        |> fun s -> s.Trim()

    let cut =
        if cleaned.Length <= maxNameLength then
            cleaned
        // Never cut a surrogate pair in two.
        elif Char.IsHighSurrogate cleaned.[maxNameLength - 1] then
            cleaned.Substring(0, maxNameLength - 1)
        else
            cleaned.Substring(0, maxNameLength)

    if cut = "" then $"camera {index + 1}" else cut

/// A measured or configured value, kept only when the planner would accept it.
let private within lo hi (value: 'a option) =
    value |> Option.filter (fun v -> v >= lo && v <= hi)

/// HD from what is known, the rest from OpenEye's HD. Without a known bitrate: OpenEye's 4,000 kbps when the
/// resolution is OpenEye's too, else the codec model's estimate for the known resolution.
let private hdProfile (o: CameraObservation) =
    let width = within 16 16384 o.Width
    let height = within 16 16384 o.Height
    let fps = within 0.1 240.0 o.Fps

    let bitrate =
        match within 1.0 1e6 o.BitrateKbps with
        | Some kbps -> Explicit kbps
        | None when width.IsNone && height.IsNone -> typicalHd.Bitrate
        | None -> Estimated

    {
        Width = defaultArg width typicalHd.Width
        Height = defaultArg height typicalHd.Height
        Fps = defaultArg fps typicalHd.Fps
        Gop = defaultArg (within 1 10000 o.Gop) typicalHd.Gop
        Codec = defaultArg o.Codec typicalHd.Codec
        Bitrate = bitrate
    }

/// A camera's plan entry: HD from the observation, SD = D1 at the HD frame rate (at most 15 IPS) with HD's key-frame
/// interval in seconds.
let cameraSpec (index: int) (o: CameraObservation) : CameraSpec =
    let hd = hdProfile o

    {
        Name = planName index o.Name
        Hd = hd
        Sd =
            let fps = min hd.Fps typicalSd.Fps

            { typicalSd with
                Fps = fps
                // The same key-frame interval in seconds as HD at the SD frame rate (GOP 50 at 25 fps -> 30 at 15).
                Gop = max 1 (int (Math.Round(float hd.Gop * fps / hd.Fps)))
                Codec = hd.Codec
            }
    }

/// Typical remote viewing: one viewer on a single camera (HD) 1 h a day, and, with several cameras, one viewer on
/// the smallest 4/9/16 grid that holds them (SD) 2 h a day.
let defaultViewing (cameraCount: int) : ViewingPattern list =
    [
        {
            Viewers = 1
            GridSize = 1
            Choice = Auto
            HoursPerDay = 1.0
        }
        if cameraCount > 1 then
            {
                Viewers = 1
                GridSize =
                    [ 4; 9; 16 ]
                    |> List.tryFind (fun g -> g >= cameraCount)
                    |> Option.defaultValue 16
                Choice = Auto
                HoursPerDay = 2.0
            }
    ]

/// The starting input for these cameras (at most `maxCameras`; the planner's limit).
let defaultInput (maxCameras: int) (cameras: CameraObservation list) : SitePlanInput =
    let specs = cameras |> List.truncate maxCameras |> List.mapi cameraSpec

    {
        Cameras = specs
        Viewing = defaultViewing specs.Length
        Data = typicalData
        Exports = [ typicalExport ]
        AvailableUploadKbps = None
    }

/// Codec from a stream's codec name as ingest plugins report it ("H264", "h265", "HEVC", "MJPEG"...).
let codecOfName (name: string) : Codec option =
    if String.IsNullOrWhiteSpace name then
        None
    else
        let n = name.ToUpperInvariant().Replace(".", "").Replace("-", "")

        if n.Contains "265" || n.Contains "HEVC" then Some H265
        elif n.Contains "264" || n.Contains "AVC" then Some H264
        elif n.Contains "JPEG" || n.Contains "JPG" then Some Mjpeg
        else None

/// GOP in frames from a measured key-frame interval (seconds) and frame rate; None when either is unknown.
let gopOfInterval (fps: float option) (keyframeIntervalSeconds: float option) : int option =
    match fps, keyframeIntervalSeconds with
    | Some f, Some s when f > 0.0 && s > 0.0 && Double.IsFinite(f * s) && f * s < 1e6 ->
        Some(max 1 (int (Math.Round(f * s))))
    | _ -> None
