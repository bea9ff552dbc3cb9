/// Bandwidth and data planner: from cameras (resolution, fps, GOP, bitrate or a codec estimate), remote viewing
/// (grid size -> SD/HD, viewers, hours a day) and the background cloud traffic (baseline, config backups, alerts,
/// alert and day/night images, clip exports), estimate the site's upload bandwidth and its data use per 30 days.
/// Pure: no I/O, no clock. Units: kbps = 1000 bit/s, MB = 10^6 bytes (the OpenEye tables' units, seed 002).
module Appliance.Core.Network.Bandwidth

type Codec =
    | H264
    | H265
    | Mjpeg

/// Where a stream's bitrate comes from: configured/measured on the camera, or estimated from the codec model.
type Bitrate =
    | Explicit of kbps: float
    | Estimated

type StreamProfile =
    {
        Width: int
        Height: int
        Fps: float
        /// Frames between key frames (I-frames).
        Gop: int
        Codec: Codec
        Bitrate: Bitrate
    }

/// A camera with its HD (main) and SD (sub or transcoded) stream.
type CameraSpec =
    {
        Name: string
        Hd: StreamProfile
        Sd: StreamProfile
    }

type StreamChoice =
    /// OpenEye's rule: a single-channel view gets HD, a multi-channel grid gets SD.
    | Auto
    | Sd
    | Hd

/// Remote viewers watching a grid of `GridSize` channels for `HoursPerDay` hours a day.
type ViewingPattern =
    {
        Viewers: int
        GridSize: int
        Choice: StreamChoice
        HoursPerDay: float
    }

/// Background traffic to the cloud that does not depend on viewing.
type DataPolicy =
    {
        BaselineMbPerDay: float
        ConfigBackupMb: float
        ConfigBackupsPerWeek: float
        AlertsPerDay: float
        AlertMessageKb: float
        AlertImagesPerAlert: float
        ImageMb: float
        DayNightImagesPerCameraPerDay: float
    }

/// Clip exports to the cloud: minutes a month at a stream profile.
type ExportPlan =
    {
        Label: string
        MinutesPerMonth: float
        Profile: StreamProfile
    }

type SitePlanInput =
    {
        Cameras: CameraSpec list
        Viewing: ViewingPattern list
        Data: DataPolicy
        Exports: ExportPlan list
        /// Known upload capacity of the site, if any, to compare with the need.
        AvailableUploadKbps: float option
    }

type PlanLine =
    {
        Category: string
        MbPer30Days: float
        MbPerDay: float
    }

type ViewingLine =
    {
        Pattern: ViewingPattern
        Stream: StreamChoice
        KbpsPerViewer: float
        Kbps: float
    }

type SitePlan =
    {
        /// Upload needed while every viewing pattern is active at once, plus the background average.
        PeakUploadKbps: float
        Viewing: ViewingLine list
        Data: PlanLine list
        TotalMbPer30Days: float
        AverageMbPerDay: float
        Advice: string list
    }

/// OpenEye recommends 5 Mbps site upload for remote viewing (seed 002, "Bandwidth Requirements").
[<Literal>]
let RecommendedUploadKbps = 5000.0

[<Literal>]
let DaysPerPeriod = 30.0

/// The codec model's anchor: H.264 D1 (720x480) at 30 fps and a 30-frame GOP is about 1.5 Mbps, the common CCTV
/// rule of thumb. Bitrate grows with pixels^0.75 (bits per pixel fall as resolution rises), linearly with fps, and
/// with the share of key frames (a key frame is taken as 6 times a predicted frame).
module CodecModel =
    [<Literal>]
    let AnchorKbps = 1536.0

    [<Literal>]
    let AnchorPixels = 345600.0

    [<Literal>]
    let AnchorFps = 30.0

    [<Literal>]
    let AnchorGop = 30.0

    [<Literal>]
    let PixelExponent = 0.75

    [<Literal>]
    let KeyFrameRatio = 6.0

    let internal gopFactor (gop: float) =
        (1.0 + (KeyFrameRatio - 1.0) / gop) / (1.0 + (KeyFrameRatio - 1.0) / AnchorGop)

    /// H.265 saves about 45 % over H.264; MJPEG is all key frames and a weaker intra coder (x1.5).
    let internal codecFactor codec (gop: float) =
        match codec with
        | H264 -> gopFactor gop
        | H265 -> 0.55 * gopFactor gop
        | Mjpeg -> 1.5 * gopFactor 1.0

/// Estimated bitrate (kbps) of a stream from the codec model.
let estimateKbps (profile: StreamProfile) =
    let pixels = float profile.Width * float profile.Height

    CodecModel.AnchorKbps
    * (pixels / CodecModel.AnchorPixels) ** CodecModel.PixelExponent
    * (profile.Fps / CodecModel.AnchorFps)
    * CodecModel.codecFactor profile.Codec (float profile.Gop)

/// The bitrate used for planning: the explicit one if known, else the estimate.
let streamKbps (profile: StreamProfile) =
    match profile.Bitrate with
    | Explicit kbps -> kbps
    | Estimated -> estimateKbps profile

/// The stream a grid of this size delivers (OpenEye: 1 channel -> HD, more -> SD), unless forced.
let resolveChoice (choice: StreamChoice) (gridSize: int) =
    match choice with
    | Auto -> if gridSize <= 1 then Hd else Sd
    | forced -> forced

/// kbps one viewer of a grid draws: the grid shows the `gridSize` most demanding cameras.
let gridKbps (cameras: CameraSpec list) (choice: StreamChoice) (gridSize: int) =
    let stream = resolveChoice choice gridSize

    cameras
    |> List.map (fun c -> streamKbps (if stream = Hd then c.Hd else c.Sd))
    |> List.sortDescending
    |> List.truncate gridSize
    |> List.sum

let private mbFromKbps kbps seconds = kbps * 1000.0 * seconds / 8.0 / 1e6

let private line category mbPer30Days =
    {
        Category = category
        MbPer30Days = mbPer30Days
        MbPerDay = mbPer30Days / DaysPerPeriod
    }

/// Background data lines (the OpenEye "Recorder Data Usage" categories) for 30 days.
let dataLines (cameraCount: int) (policy: DataPolicy) =
    [
        line "Baseline cloud communication" (policy.BaselineMbPerDay * DaysPerPeriod)
        line "Configuration file backup" (policy.ConfigBackupMb * policy.ConfigBackupsPerWeek * DaysPerPeriod / 7.0)
        line "Alert transmission" (policy.AlertsPerDay * policy.AlertMessageKb / 1000.0 * DaysPerPeriod)
        line
            "Alert images"
            (policy.AlertsPerDay
             * policy.AlertImagesPerAlert
             * policy.ImageMb
             * DaysPerPeriod)
        line
            "Day / night images"
            (float cameraCount
             * policy.DayNightImagesPerCameraPerDay
             * policy.ImageMb
             * DaysPerPeriod)
    ]

/// MB one export of `MinutesPerMonth` minutes costs.
let exportMb (export: ExportPlan) =
    mbFromKbps (streamKbps export.Profile) (export.MinutesPerMonth * 60.0)

let private validateProfile path (p: StreamProfile) =
    [
        if p.Width < 16 || p.Width > 16384 then
            $"{path}.width: {p.Width} is not between 16 and 16384"
        if p.Height < 16 || p.Height > 16384 then
            $"{path}.height: {p.Height} is not between 16 and 16384"
        if not (p.Fps >= 0.1 && p.Fps <= 240.0) then
            $"{path}.fps: {p.Fps} is not between 0.1 and 240"
        if p.Gop < 1 || p.Gop > 10000 then
            $"{path}.gop: {p.Gop} is not between 1 and 10000"
        match p.Bitrate with
        | Explicit kbps when not (kbps > 0.0 && kbps <= 1e6) ->
            $"{path}.bitrateKbps: {kbps} is not between 0 and 1000000"
        | _ -> ()
    ]

let private nonNegative path (value: float) =
    [
        if not (value >= 0.0 && value < 1e9) then
            $"{path}: {value} must be a finite number >= 0"
    ]

/// Every problem in the input, each with its path; empty when valid.
let validate (input: SitePlanInput) =
    [
        yield!
            input.Cameras
            |> List.indexed
            |> List.collect (fun (i, c) ->
                validateProfile $"cameras[{i}].hd" c.Hd
                @ validateProfile $"cameras[{i}].sd" c.Sd)
        for i, v in List.indexed input.Viewing do
            if v.Viewers < 0 || v.Viewers > 10000 then
                $"viewing[{i}].viewers: {v.Viewers} is not between 0 and 10000"

            if v.GridSize < 1 || v.GridSize > 256 then
                $"viewing[{i}].gridSize: {v.GridSize} is not between 1 and 256"

            if not (v.HoursPerDay >= 0.0 && v.HoursPerDay <= 24.0) then
                $"viewing[{i}].hoursPerDay: {v.HoursPerDay} is not between 0 and 24"
        yield! nonNegative "data.baselineMbPerDay" input.Data.BaselineMbPerDay
        yield! nonNegative "data.configBackupMb" input.Data.ConfigBackupMb
        yield! nonNegative "data.configBackupsPerWeek" input.Data.ConfigBackupsPerWeek
        yield! nonNegative "data.alertsPerDay" input.Data.AlertsPerDay
        yield! nonNegative "data.alertMessageKb" input.Data.AlertMessageKb
        yield! nonNegative "data.alertImagesPerAlert" input.Data.AlertImagesPerAlert
        yield! nonNegative "data.imageMb" input.Data.ImageMb
        yield! nonNegative "data.dayNightImagesPerCameraPerDay" input.Data.DayNightImagesPerCameraPerDay
        for i, e in List.indexed input.Exports do
            yield! validateProfile $"exports[{i}].profile" e.Profile
            yield! nonNegative $"exports[{i}].minutesPerMonth" e.MinutesPerMonth
        match input.AvailableUploadKbps with
        | Some kbps when not (kbps > 0.0 && kbps < 1e9) -> $"availableUploadKbps: {kbps} must be > 0"
        | _ -> ()
    ]

/// "HD" or "SD", as the portal and the CLI write them.
let private streamLabel (choice: StreamChoice) =
    match choice with
    | Hd -> "HD"
    | Sd -> "SD"
    | Auto -> "auto"

let private advice (input: SitePlanInput) (peakKbps: float) (viewing: ViewingLine list) =
    let available = defaultArg input.AvailableUploadKbps RecommendedUploadKbps

    let source =
        match input.AvailableUploadKbps with
        | Some _ -> "the site's upload"
        | None -> "the recommended 5 Mbps"

    [
        if peakKbps > available then
            $"Peak upload {peakKbps / 1000.0:F1} Mbps exceeds {source} ({available / 1000.0:F1} Mbps)"
        if peakKbps > available && viewing |> List.exists (fun v -> v.Stream = Hd) then
            "Remote viewers should use SD streams over the WAN (plan SD below 5 Mbps upload)"
    ]

/// The plan, or every validation error with its path.
let plan (input: SitePlanInput) : Result<SitePlan, string list> =
    match validate input with
    | [] ->
        let viewing =
            input.Viewing
            |> List.map (fun v ->
                let perViewer = gridKbps input.Cameras v.Choice v.GridSize

                {
                    Pattern = v
                    Stream = resolveChoice v.Choice v.GridSize
                    KbpsPerViewer = perViewer
                    Kbps = perViewer * float v.Viewers
                })

        let viewingData =
            viewing
            |> List.map (fun v ->
                line
                    $"Remote viewing: {v.Pattern.Viewers} x {v.Pattern.GridSize}-channel grid ({streamLabel v.Stream}), {v.Pattern.HoursPerDay} h/day"
                    (mbFromKbps v.Kbps (v.Pattern.HoursPerDay * 3600.0) * DaysPerPeriod))

        let exports =
            input.Exports |> List.map (fun e -> line $"Export: {e.Label}" (exportMb e))

        let background = dataLines input.Cameras.Length input.Data
        let all = background @ exports @ viewingData
        let total = all |> List.sumBy (fun l -> l.MbPer30Days)

        let backgroundKbps =
            (background @ exports |> List.sumBy (fun l -> l.MbPerDay)) * 1e6 * 8.0
            / 1000.0
            / 86400.0

        let peak = (viewing |> List.sumBy (fun v -> v.Kbps)) + backgroundKbps

        Ok
            {
                PeakUploadKbps = peak
                Viewing = viewing
                Data = all
                TotalMbPer30Days = total
                AverageMbPerDay = total / DaysPerPeriod
                Advice = advice input peak viewing
            }
    | errors -> Error errors
