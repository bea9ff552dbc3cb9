/// The bandwidth planner's JSON: reading a plan input (untrusted: every error with its path, size and count limits,
/// unknown or repeated fields refused) and writing an input or a plan. Field names are camelCase:
///
/// {
///   "cameras": [ { "name": "lobby",
///                  "hd": { "width": 2688, "height": 1520, "fps": 15, "gop": 30, "codec": "h264", "bitrateKbps": 4000 },
///                  "sd": { "width": 720, "height": 480, "fps": 15, "gop": 30, "codec": "h264", "bitrateKbps": null } } ],
///   "viewing": [ { "viewers": 1, "gridSize": 4, "choice": "auto", "hoursPerDay": 2 } ],
///   "data": { "baselineMbPerDay": 45, "configBackupMb": 0.056, "configBackupsPerWeek": 1, "alertsPerDay": 1,
///             "alertMessageKb": 33, "alertImagesPerAlert": 1, "imageMb": 1.5, "dayNightImagesPerCameraPerDay": 2 },
///   "exports": [ { "label": "incident backup", "minutesPerMonth": 20, "profile": { ...as hd... } } ],
///   "availableUploadKbps": 5000
/// }
///
/// Required: "cameras", and in a stream profile width, height, fps and gop. "codec" defaults to h264, a missing or
/// null "bitrateKbps" means "estimate from the codec model", "viewing"/"exports" default to none, each "data" field
/// to the OpenEye value (BandwidthDefaults.typicalData), "availableUploadKbps" to unknown.
module Appliance.Core.Network.BandwidthJson

open System
open System.IO
open System.Text
open System.Text.Json
open Appliance.Core.Manifest
open Appliance.Core.Network.Bandwidth

/// Longer input (characters) is refused before parsing.
let maxJsonLength = 256 * 1024

let maxCameras = 512
let maxViewingPatterns = 32
let maxExports = 32
let maxNameLength = 100

let private codecs = [ "h264", H264; "h265", H265; "mjpeg", Mjpeg ]
let private choices = [ "auto", Auto; "sd", Sd; "hd", Hd ]

let private codecName codec =
    codecs |> List.find (fun (_, c) -> c = codec) |> fst

let private choiceName choice =
    choices |> List.find (fun (_, c) -> c = choice) |> fst

// Placeholders stand in for a value that could not be read, so the rest of the input is still checked; they are
// valid, so they never add an error of their own, and an input with any reading error is never planned.
let private placeholderProfile = BandwidthDefaults.typicalSd

let private number (errors: JsonRead.Errors) path (e: JsonElement) : float option =
    if e.ValueKind <> JsonValueKind.Number then
        errors.Add(path, $"expected a number, got {JsonRead.kindName e.ValueKind}")
        None
    else
        match e.TryGetDouble() with
        | true, v when Double.IsFinite v -> Some v
        | _ ->
            errors.Add(path, $"{JsonRead.shown e} is not a finite number")
            None

let private whole (errors: JsonRead.Errors) path (e: JsonElement) : int option =
    if e.ValueKind <> JsonValueKind.Number then
        errors.Add(path, $"expected a whole number, got {JsonRead.kindName e.ValueKind}")
        None
    else
        match e.TryGetInt32() with
        | true, v -> Some v
        | _ ->
            errors.Add(path, $"{JsonRead.shown e} is not a whole number in range")
            None

/// A required field read with `read`; the placeholder when missing or unreadable.
let private required (errors: JsonRead.Errors) path (map: Map<string, JsonElement>) name read placeholder =
    match map.TryFind name with
    | None ->
        errors.Add(JsonRead.child path name, "required field is missing")
        placeholder
    | Some e -> read errors (JsonRead.child path name) e |> Option.defaultValue placeholder

/// An optional field: `absent` when missing; the placeholder when unreadable.
let private optional (errors: JsonRead.Errors) path (map: Map<string, JsonElement>) name read absent =
    match map.TryFind name with
    | None -> absent
    | Some e -> read errors (JsonRead.child path name) e |> Option.defaultValue absent

let private choiceOf (table: (string * 'a) list) what (errors: JsonRead.Errors) path (e: JsonElement) : 'a option =
    match JsonRead.stringValue errors path 16 false e with
    | None -> None
    | Some s ->
        match table |> List.tryFind (fun (n, _) -> n = s.ToLowerInvariant()) with
        | Some(_, v) -> Some v
        | None ->
            let allowed = String.Join(", ", table |> List.map fst)
            errors.Add(path, $"{JsonRead.quote s} is not {what} ({allowed})")
            None

/// The items of an array, each read by `item` (path and element); at most `limit` of them.
let private items
    (errors: JsonRead.Errors)
    path
    limit
    (e: JsonElement)
    (item: string -> JsonElement -> 'a)
    : 'a list option =
    if e.ValueKind <> JsonValueKind.Array then
        errors.Add(path, $"expected an array, got {JsonRead.kindName e.ValueKind}")
        None
    else
        let count = e.GetArrayLength()

        if count > limit then
            errors.Add(path, $"has {count} items; the limit is {limit}")
            None
        else
            Some
                [
                    for i, x in Seq.indexed (e.EnumerateArray()) -> item (JsonRead.index path i) x
                ]

let private profile (errors: JsonRead.Errors) path (e: JsonElement) : StreamProfile option =
    JsonRead.fields errors path [ "width"; "height"; "fps"; "gop"; "codec"; "bitrateKbps" ] e
    |> Option.map (fun map ->
        let bitrate =
            match map.TryFind "bitrateKbps" with
            | None -> Estimated
            | Some v when v.ValueKind = JsonValueKind.Null -> Estimated
            | Some v ->
                number errors (JsonRead.child path "bitrateKbps") v
                |> Option.map Explicit
                |> Option.defaultValue Estimated

        {
            Width = required errors path map "width" whole placeholderProfile.Width
            Height = required errors path map "height" whole placeholderProfile.Height
            Fps = required errors path map "fps" number placeholderProfile.Fps
            Gop = required errors path map "gop" whole placeholderProfile.Gop
            Codec = optional errors path map "codec" (choiceOf codecs "a codec") H264
            Bitrate = bitrate
        })

let private name (errors: JsonRead.Errors) path (e: JsonElement) =
    JsonRead.stringValue errors path maxNameLength false e
    |> JsonRead.nonEmpty errors path

let private camera (errors: JsonRead.Errors) (index: int) path (e: JsonElement) : CameraSpec =
    match JsonRead.fields errors path [ "name"; "hd"; "sd" ] e with
    | None ->
        {
            Name = $"camera {index + 1}"
            Hd = placeholderProfile
            Sd = placeholderProfile
        }
    | Some map ->
        {
            Name = optional errors path map "name" name $"camera {index + 1}"
            Hd = required errors path map "hd" profile placeholderProfile
            Sd = required errors path map "sd" profile placeholderProfile
        }

let private viewingPattern (errors: JsonRead.Errors) path (e: JsonElement) : ViewingPattern =
    let placeholder =
        {
            Viewers = 1
            GridSize = 1
            Choice = Auto
            HoursPerDay = 0.0
        }

    match JsonRead.fields errors path [ "viewers"; "gridSize"; "choice"; "hoursPerDay" ] e with
    | None -> placeholder
    | Some map ->
        {
            Viewers = required errors path map "viewers" whole placeholder.Viewers
            GridSize = required errors path map "gridSize" whole placeholder.GridSize
            Choice = optional errors path map "choice" (choiceOf choices "a stream choice") Auto
            HoursPerDay = required errors path map "hoursPerDay" number placeholder.HoursPerDay
        }

let private dataPolicy (errors: JsonRead.Errors) path (e: JsonElement) : DataPolicy option =
    let d = BandwidthDefaults.typicalData

    let names =
        [
            "baselineMbPerDay"
            "configBackupMb"
            "configBackupsPerWeek"
            "alertsPerDay"
            "alertMessageKb"
            "alertImagesPerAlert"
            "imageMb"
            "dayNightImagesPerCameraPerDay"
        ]

    JsonRead.fields errors path names e
    |> Option.map (fun map ->
        let field n fallback =
            optional errors path map n number fallback

        {
            BaselineMbPerDay = field "baselineMbPerDay" d.BaselineMbPerDay
            ConfigBackupMb = field "configBackupMb" d.ConfigBackupMb
            ConfigBackupsPerWeek = field "configBackupsPerWeek" d.ConfigBackupsPerWeek
            AlertsPerDay = field "alertsPerDay" d.AlertsPerDay
            AlertMessageKb = field "alertMessageKb" d.AlertMessageKb
            AlertImagesPerAlert = field "alertImagesPerAlert" d.AlertImagesPerAlert
            ImageMb = field "imageMb" d.ImageMb
            DayNightImagesPerCameraPerDay = field "dayNightImagesPerCameraPerDay" d.DayNightImagesPerCameraPerDay
        })

let private export (errors: JsonRead.Errors) (index: int) path (e: JsonElement) : ExportPlan =
    match JsonRead.fields errors path [ "label"; "minutesPerMonth"; "profile" ] e with
    | None -> BandwidthDefaults.typicalExport
    | Some map ->
        {
            Label = optional errors path map "label" name $"export {index + 1}"
            MinutesPerMonth = required errors path map "minutesPerMonth" number 0.0
            Profile = required errors path map "profile" profile placeholderProfile
        }

let private nullableNumber (errors: JsonRead.Errors) path (e: JsonElement) : float option option =
    if e.ValueKind = JsonValueKind.Null then
        Some None
    else
        number errors path e |> Option.map Some

let private known =
    [ "cameras"; "viewing"; "data"; "exports"; "availableUploadKbps" ]

/// Reads a parsed plan input; reading errors, then the planner's range checks, each as "path: message".
let readElement (root: JsonElement) : Result<SitePlanInput, string list> =
    let errors = JsonRead.Errors()

    match JsonRead.fields errors "" known root with
    | None -> Error(errors.ToList() |> List.map string)
    | Some map ->
        let list name limit item =
            optional errors "" map name (fun errors path e -> items errors path limit e item) []

        let cameras =
            required errors "" map "cameras" (fun errors path e -> items errors path maxCameras e (fun p x -> p, x)) []
            |> List.mapi (fun i (p, x) -> camera errors i p x)

        let input =
            {
                Cameras = cameras
                Viewing = list "viewing" maxViewingPatterns (viewingPattern errors)
                Data = optional errors "" map "data" dataPolicy BandwidthDefaults.typicalData
                Exports =
                    list "exports" maxExports (fun p x -> p, x)
                    |> List.mapi (fun i (p, x) -> export errors i p x)
                AvailableUploadKbps = optional errors "" map "availableUploadKbps" nullableNumber None
            }

        match (errors.ToList() |> List.map string) @ validate input with
        | [] -> Ok input
        | all -> Error all

/// Parses a plan input given as JSON text: every problem, each with its path.
let parse (json: string) : Result<SitePlanInput, string list> =
    if String.IsNullOrEmpty json then
        Error [ "the plan input is empty; expected a JSON object" ]
    elif json.Length > maxJsonLength then
        Error
            [
                $"the plan input is {json.Length} characters long; the limit is {maxJsonLength}"
            ]
    else
        let options =
            JsonDocumentOptions(
                MaxDepth = 16,
                CommentHandling = JsonCommentHandling.Disallow,
                AllowTrailingCommas = false
            )

        try
            use doc = JsonDocument.Parse(json, options)
            readElement doc.RootElement
        with :? JsonException as ex ->
            let where =
                match Option.ofNullable ex.LineNumber, Option.ofNullable ex.BytePositionInLine with
                | Some l, Some b -> $" at line {l + 1L}, byte {b + 1L}"
                | _ -> ""

            Error
                [
                    $"the plan input is not valid JSON (or is nested deeper than 16 levels){where}"
                ]

/// The plan for a plan input given as JSON text, or every problem with its path.
let planJson (json: string) : Result<SitePlan, string list> = parse json |> Result.bind plan

// ---- writing ----

let private round3 (v: float) = Math.Round(v, 3)

let private write (build: Utf8JsonWriter -> unit) =
    use stream = new MemoryStream()

    (use w = new Utf8JsonWriter(stream, JsonWriterOptions(Indented = true))
     build w)

    Encoding.UTF8.GetString(stream.ToArray())

let private writeProfile (w: Utf8JsonWriter) (name: string) (p: StreamProfile) =
    w.WriteStartObject name
    w.WriteNumber("width", p.Width)
    w.WriteNumber("height", p.Height)
    w.WriteNumber("fps", p.Fps)
    w.WriteNumber("gop", p.Gop)
    w.WriteString("codec", codecName p.Codec)

    match p.Bitrate with
    | Explicit kbps -> w.WriteNumber("bitrateKbps", kbps)
    | Estimated -> w.WriteNull "bitrateKbps"

    w.WriteEndObject()

/// A plan input as JSON that `parse` reads back to the same input.
let writeInput (input: SitePlanInput) : string =
    write (fun w ->
        w.WriteStartObject()
        w.WriteStartArray "cameras"

        for c in input.Cameras do
            w.WriteStartObject()
            w.WriteString("name", c.Name)
            writeProfile w "hd" c.Hd
            writeProfile w "sd" c.Sd
            w.WriteEndObject()

        w.WriteEndArray()
        w.WriteStartArray "viewing"

        for v in input.Viewing do
            w.WriteStartObject()
            w.WriteNumber("viewers", v.Viewers)
            w.WriteNumber("gridSize", v.GridSize)
            w.WriteString("choice", choiceName v.Choice)
            w.WriteNumber("hoursPerDay", v.HoursPerDay)
            w.WriteEndObject()

        w.WriteEndArray()
        let d = input.Data
        w.WriteStartObject "data"
        w.WriteNumber("baselineMbPerDay", d.BaselineMbPerDay)
        w.WriteNumber("configBackupMb", d.ConfigBackupMb)
        w.WriteNumber("configBackupsPerWeek", d.ConfigBackupsPerWeek)
        w.WriteNumber("alertsPerDay", d.AlertsPerDay)
        w.WriteNumber("alertMessageKb", d.AlertMessageKb)
        w.WriteNumber("alertImagesPerAlert", d.AlertImagesPerAlert)
        w.WriteNumber("imageMb", d.ImageMb)
        w.WriteNumber("dayNightImagesPerCameraPerDay", d.DayNightImagesPerCameraPerDay)
        w.WriteEndObject()
        w.WriteStartArray "exports"

        for e in input.Exports do
            w.WriteStartObject()
            w.WriteString("label", e.Label)
            w.WriteNumber("minutesPerMonth", e.MinutesPerMonth)
            writeProfile w "profile" e.Profile
            w.WriteEndObject()

        w.WriteEndArray()

        match input.AvailableUploadKbps with
        | Some kbps -> w.WriteNumber("availableUploadKbps", kbps)
        | None -> w.WriteNull "availableUploadKbps"

        w.WriteEndObject())

/// A plan as JSON (figures rounded to 3 decimals): peakUploadKbps, recommendedUploadKbps, viewing, data,
/// totalMbPer30Days, averageMbPerDay, advice.
let writePlan (result: SitePlan) : string =
    write (fun w ->
        w.WriteStartObject()
        w.WriteNumber("peakUploadKbps", round3 result.PeakUploadKbps)
        w.WriteNumber("recommendedUploadKbps", RecommendedUploadKbps)
        w.WriteStartArray "viewing"

        for v in result.Viewing do
            w.WriteStartObject()
            w.WriteNumber("viewers", v.Pattern.Viewers)
            w.WriteNumber("gridSize", v.Pattern.GridSize)
            w.WriteString("choice", choiceName v.Pattern.Choice)
            w.WriteNumber("hoursPerDay", v.Pattern.HoursPerDay)
            w.WriteString("stream", choiceName v.Stream)
            w.WriteNumber("kbpsPerViewer", round3 v.KbpsPerViewer)
            w.WriteNumber("kbps", round3 v.Kbps)
            w.WriteEndObject()

        w.WriteEndArray()
        w.WriteStartArray "data"

        for l in result.Data do
            w.WriteStartObject()
            w.WriteString("category", l.Category)
            w.WriteNumber("mbPer30Days", round3 l.MbPer30Days)
            w.WriteNumber("mbPerDay", round3 l.MbPerDay)
            w.WriteEndObject()

        w.WriteEndArray()
        w.WriteNumber("totalMbPer30Days", round3 result.TotalMbPer30Days)
        w.WriteNumber("averageMbPerDay", round3 result.AverageMbPerDay)
        w.WriteStartArray "advice"

        for a in result.Advice do
            w.WriteStringValue a

        w.WriteEndArray()
        w.WriteEndObject())
