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
val RecommendedUploadKbps: float = 5000.0

[<Literal>]
val DaysPerPeriod: float = 30.0

/// The codec model's anchor: H.264 D1 (720x480) at 30 fps and a 30-frame GOP is about 1.5 Mbps, the common CCTV
/// rule of thumb. Bitrate grows with pixels^0.75 (bits per pixel fall as resolution rises), linearly with fps, and
/// with the share of key frames (a key frame is taken as 6 times a predicted frame).
module CodecModel =

    [<Literal>]
    val AnchorKbps: float = 1536.0

    [<Literal>]
    val AnchorPixels: float = 345600.0

    [<Literal>]
    val AnchorFps: float = 30.0

    [<Literal>]
    val AnchorGop: float = 30.0

    [<Literal>]
    val PixelExponent: float = 0.75

    [<Literal>]
    val KeyFrameRatio: float = 6.0

    val internal gopFactor: gop: float -> float

    /// H.265 saves about 45 % over H.264; MJPEG is all key frames and a weaker intra coder (x1.5).
    val internal codecFactor: codec: Codec -> gop: float -> float

/// Estimated bitrate (kbps) of a stream from the codec model.
val estimateKbps: profile: StreamProfile -> float

/// The bitrate used for planning: the explicit one if known, else the estimate.
val streamKbps: profile: StreamProfile -> float

/// The stream a grid of this size delivers (OpenEye: 1 channel -> HD, more -> SD), unless forced.
val resolveChoice: choice: StreamChoice -> gridSize: int -> StreamChoice

/// kbps one viewer of a grid draws: the grid shows the `gridSize` most demanding cameras.
val gridKbps: cameras: CameraSpec list -> choice: StreamChoice -> gridSize: int -> float

/// Background data lines (the OpenEye "Recorder Data Usage" categories) for 30 days.
val dataLines: cameraCount: int -> policy: DataPolicy -> PlanLine list

/// MB one export of `MinutesPerMonth` minutes costs.
val exportMb: export: ExportPlan -> float

/// Every problem in the input, each with its path; empty when valid.
val validate: input: SitePlanInput -> string list

/// The plan, or every validation error with its path.
val plan: input: SitePlanInput -> Result<SitePlan, string list>
