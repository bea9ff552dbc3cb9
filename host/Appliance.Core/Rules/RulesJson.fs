/// Rules as JSON: reading one rule (untrusted: every error with its path, size limits, unknown or repeated fields
/// refused) and writing one back. A rule:
///
/// { "id": "door-alarm", "name": "Door opened after hours", "enabled": true,
///   "trigger": { "events": ["DigitalInputChanged"], "cameras": [], "regions": [], "inputs": ["io1/in1"],
///                "state": "active", "schedule": [ { "days": ["mon","tue"], "from": "18:00", "to": "07:00" } ],
///                "debounceMs": 200, "cooldownMs": 10000 },
///   "actions": [ { "type": "vms", "target": "milestone", "message": "Door opened" },
///                { "type": "email", "to": ["guard@example.com"], "subject": "Door opened" },
///                { "type": "sms", "to": ["+15555550100"], "message": "Door opened" },
///                { "type": "webhook", "target": "default" },
///                { "type": "mqtt", "topic": "site/door", "payload": "open" },
///                { "type": "gpio", "output": "io1/out1", "pulseMs": 500 },
///                { "type": "snapshot", "camera": "lobby" },
///                { "type": "clip", "camera": "lobby", "preSeconds": 30, "postSeconds": 60, "export": true,
///                  "downscale": true } ] }
///
/// Defaults: "enabled" true, filter lists and "schedule" empty, "state" "active" (events without an active flag
/// always pass it), "debounceMs" and "cooldownMs" 0, a snapshot's or clip's "camera" the triggering event's, a clip's
/// "preSeconds" and "postSeconds" 30, its "export" and "downscale" (to 2MP by the media plugin) false.
module Appliance.Core.Rules.RulesJson

open System
open System.IO
open System.Text
open System.Text.Json
open Appliance.Core.Manifest
open Appliance.Core.Rules.EventCatalog

/// Longer input (characters) is refused before parsing.
let maxJsonLength = 64 * 1024

let private states =
    [ "active", WhenActive; "inactive", WhenInactive; "any", EitherState ]

let private stateName s =
    states |> List.find (fun (_, v) -> v = s) |> fst

let private whole (errors: JsonRead.Errors) path (e: JsonElement) : int option =
    match e.ValueKind with
    | JsonValueKind.Number ->
        match e.TryGetInt32() with
        | true, v -> Some v
        | _ ->
            errors.Add(path, $"{JsonRead.shown e} is not a whole number in range")
            None
    | k ->
        errors.Add(path, $"expected a whole number, got {JsonRead.kindName k}")
        None

let private text maxLength (errors: JsonRead.Errors) path (e: JsonElement) =
    JsonRead.stringValue errors path maxLength false e
    |> JsonRead.nonEmpty errors path

let private strings (errors: JsonRead.Errors) path limit maxLength (e: JsonElement) : string list option =
    JsonRead.boundedArray errors path "strings" limit (text maxLength errors) e
    |> Option.bind (fun items ->
        if List.forall Option.isSome items then
            Some(List.choose id items)
        else
            None)

/// A field read with `read`: `absent` when missing, `placeholder` when present but unreadable (already reported).
let private field (errors: JsonRead.Errors) path (map: Map<string, JsonElement>) name read absent =
    match map.TryFind name with
    | None -> absent
    | Some e -> read errors (JsonRead.child path name) e |> Option.defaultValue absent

let private requiredField (errors: JsonRead.Errors) path (map: Map<string, JsonElement>) name read placeholder =
    match map.TryFind name with
    | None ->
        errors.Add(JsonRead.child path name, "required field is missing")
        placeholder
    | Some e -> read errors (JsonRead.child path name) e |> Option.defaultValue placeholder

let private window (errors: JsonRead.Errors) path (e: JsonElement) : TimeWindow option =
    JsonRead.fields errors path [ "days"; "from"; "to" ] e
    |> Option.map (fun map ->
        let day (errors: JsonRead.Errors) p (d: JsonElement) =
            text 10 errors p d
            |> Option.bind (fun s ->
                match Schedule.tryParseDay s with
                | Some v -> Some v
                | None ->
                    let names = String.Join(", ", Schedule.dayNameList)
                    errors.Add(p, $"{JsonRead.quote s} is not a day ({names})")
                    None)

        let days (errors: JsonRead.Errors) p (d: JsonElement) =
            if d.ValueKind <> JsonValueKind.Array || d.GetArrayLength() > 7 then
                errors.Add(p, "expected an array of at most 7 day names")
                None
            else
                let items =
                    [
                        for i, x in Seq.indexed (d.EnumerateArray()) -> day errors (JsonRead.index p i) x
                    ]

                if List.forall Option.isSome items then
                    Some(items |> List.choose id |> Set.ofList)
                else
                    None

        let time (errors: JsonRead.Errors) p (t: JsonElement) =
            text 5 errors p t
            |> Option.bind (fun s ->
                match Schedule.tryParseTime s with
                | Some m -> Some m
                | None ->
                    errors.Add(p, $"{JsonRead.quote s} is not a time of day (HH:MM, 00:00 to 24:00)")
                    None)

        let allDays = Schedule.dayNameList |> List.choose Schedule.tryParseDay |> Set.ofList

        {
            Days = field errors path map "days" days allDays
            // Placeholders 0 and 1 keep an unreadable time from adding a second ("same time") error.
            FromMinute = requiredField errors path map "from" time 0
            ToMinute = requiredField errors path map "to" time 1
        })

let private trigger (errors: JsonRead.Errors) path (e: JsonElement) : Trigger option =
    let known =
        [
            "events"
            "cameras"
            "regions"
            "inputs"
            "state"
            "schedule"
            "debounceMs"
            "cooldownMs"
        ]

    JsonRead.fields errors path known e
    |> Option.map (fun map ->
        let list name =
            field errors path map name (fun er p x -> strings er p RuleLimits.maxFilterItems 200 x) []

        let state (errors: JsonRead.Errors) p (s: JsonElement) =
            text 10 errors p s
            |> Option.bind (fun v ->
                match states |> List.tryFind (fun (n, _) -> n = v) with
                | Some(_, st) -> Some st
                | None ->
                    errors.Add(p, $"{JsonRead.quote v} is not a state (active, inactive, any)")
                    None)

        let schedule (errors: JsonRead.Errors) p (s: JsonElement) =
            JsonRead.boundedArray errors p "time windows" RuleLimits.maxWindows (window errors) s
            |> Option.map (List.choose id)

        {
            EventTypes =
                requiredField errors path map "events" (fun er p x -> strings er p RuleLimits.maxFilterItems 100 x) []
            Cameras = list "cameras"
            Regions = list "regions"
            Inputs = list "inputs"
            State = field errors path map "state" state WhenActive
            Schedule = field errors path map "schedule" schedule []
            DebounceMs = field errors path map "debounceMs" whole 0
            CooldownMs = field errors path map "cooldownMs" whole 0
        })

let private action (errors: JsonRead.Errors) path (e: JsonElement) : RuleAction option =
    let fieldsOf kind =
        match kind with
        | "vms" -> [ "type"; "target"; "message" ]
        | "email" -> [ "type"; "to"; "subject" ]
        | "sms" -> [ "type"; "to"; "message" ]
        | "webhook" -> [ "type"; "target" ]
        | "mqtt" -> [ "type"; "topic"; "payload" ]
        | "gpio" -> [ "type"; "output"; "pulseMs" ]
        | "snapshot" -> [ "type"; "camera" ]
        | "clip" -> [ "type"; "camera"; "preSeconds"; "postSeconds"; "export"; "downscale" ]
        | _ -> [ "type" ]

    if e.ValueKind <> JsonValueKind.Object then
        errors.Add(path, $"expected an object, got {JsonRead.kindName e.ValueKind}")
        None
    else
        let kind =
            match e.TryGetProperty "type" with
            | true, t -> text 20 errors (JsonRead.child path "type") t
            | _ ->
                errors.Add(
                    JsonRead.child path "type",
                    "required field is missing (vms, email, sms, webhook, mqtt, gpio, snapshot, clip)"
                )

                None

        match kind with
        | None -> None
        | Some k when fieldsOf k = [ "type" ] ->
            errors.Add(
                JsonRead.child path "type",
                $"{JsonRead.quote k} is not an action (vms, email, sms, webhook, mqtt, gpio, snapshot, clip)"
            )

            None
        | Some k ->
            JsonRead.fields errors path (fieldsOf k) e
            |> Option.map (fun map ->
                let str name =
                    requiredField errors path map name (text RuleLimits.maxTextLength) ""

                match k with
                | "vms" -> VmsEvent(str "target", str "message")
                | "email" ->
                    let recipients =
                        requiredField
                            errors
                            path
                            map
                            "to"
                            (fun er p x -> strings er p RuleLimits.maxRecipients 254 x)
                            []

                    Email(recipients, str "subject")
                | "sms" ->
                    let recipients =
                        requiredField
                            errors
                            path
                            map
                            "to"
                            (fun er p x -> strings er p RuleLimits.maxRecipients 16 x)
                            []

                    Sms(recipients, str "message")
                | "webhook" -> Webhook(str "target")
                | "mqtt" ->
                    MqttPublish(
                        str "topic",
                        field
                            errors
                            path
                            map
                            "payload"
                            (fun er p x -> JsonRead.stringValue er p RuleLimits.maxTextLength true x)
                            ""
                    )
                | "gpio" -> GpioPulse(str "output", requiredField errors path map "pulseMs" whole 1)
                | "clip" ->
                    Clip(
                        field errors path map "camera" (fun er p x -> text 200 er p x |> Option.map Some) None,
                        field errors path map "preSeconds" whole 30,
                        field errors path map "postSeconds" whole 30,
                        field errors path map "export" (fun er p x -> JsonRead.boolValue er p x) false,
                        field errors path map "downscale" (fun er p x -> JsonRead.boolValue er p x) false
                    )
                | _ -> Snapshot(field errors path map "camera" (fun er p x -> text 200 er p x |> Option.map Some) None))

let private known = [ "id"; "name"; "enabled"; "trigger"; "actions" ]

let private placeholderTrigger =
    {
        EventTypes = []
        Cameras = []
        Regions = []
        Inputs = []
        State = EitherState
        Schedule = []
        DebounceMs = 0
        CooldownMs = 0
    }

let private toRuleErrors (errors: JsonRead.Errors) =
    errors.ToList()
    |> List.map (fun (e: ManifestError) -> ({ Path = e.Path; Message = e.Message }: RuleError))

/// Reads a parsed rule: reading errors, then `RuleValidation.validateRule`'s, each with its path.
let readElement (catalog: Map<string, EventShape>) (root: JsonElement) : Result<Rule, RuleError list> =
    let errors = JsonRead.Errors()

    match JsonRead.fields errors "" known root with
    | None -> Error(toRuleErrors errors)
    | Some map ->
        let actions (errors: JsonRead.Errors) p (a: JsonElement) =
            JsonRead.boundedArray errors p "actions" RuleLimits.maxActions (action errors) a
            |> Option.map (List.choose id)

        let rule =
            {
                Id = requiredField errors "" map "id" (fun er p x -> JsonRead.stringValue er p 200 false x) ""
                Name = requiredField errors "" map "name" (text RuleLimits.maxNameLength) ""
                Enabled = field errors "" map "enabled" (fun er p x -> JsonRead.boolValue er p x) true
                Trigger = requiredField errors "" map "trigger" trigger placeholderTrigger
                Actions = requiredField errors "" map "actions" actions []
            }

        if errors.Count > 0 then
            // Semantic checks on placeholders would only repeat the reading errors.
            Error(toRuleErrors errors)
        else
            match RuleValidation.validateRule catalog rule with
            | [] -> Ok rule
            | semantic -> Error semantic

let private documentOptions =
    JsonDocumentOptions(MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false)

/// Parses a rule given as JSON text: every problem, each with its path.
let parse (catalog: Map<string, EventShape>) (json: string) : Result<Rule, RuleError list> =
    if String.IsNullOrWhiteSpace json then
        Error
            [
                {
                    RuleError.Path = ""
                    Message = "the rule is empty; expected a JSON object"
                }
            ]
    elif json.Length > maxJsonLength then
        Error
            [
                {
                    RuleError.Path = ""
                    Message = $"the rule is {json.Length} characters long; the limit is {maxJsonLength}"
                }
            ]
    else
        try
            use doc = JsonDocument.Parse(json, documentOptions)
            readElement catalog doc.RootElement
        with :? JsonException as ex ->
            let where =
                match Option.ofNullable ex.LineNumber, Option.ofNullable ex.BytePositionInLine with
                | Some l, Some b -> $" at line {l + 1L}, byte {b + 1L}"
                | _ -> ""

            Error
                [
                    {
                        RuleError.Path = ""
                        Message = $"the rule is not valid JSON (or is nested deeper than 16 levels){where}"
                    }
                ]

// ---- writing ----

let private writeStrings (w: Utf8JsonWriter) (name: string) (items: string list) =
    w.WriteStartArray name

    for s in items do
        w.WriteStringValue s

    w.WriteEndArray()

/// Writes a rule as a JSON object that `readElement` reads back to the same rule.
let writeRule (w: Utf8JsonWriter) (rule: Rule) =
    w.WriteStartObject()
    w.WriteString("id", rule.Id)
    w.WriteString("name", rule.Name)
    w.WriteBoolean("enabled", rule.Enabled)
    let t = rule.Trigger
    w.WriteStartObject "trigger"
    writeStrings w "events" t.EventTypes
    writeStrings w "cameras" t.Cameras
    writeStrings w "regions" t.Regions
    writeStrings w "inputs" t.Inputs
    w.WriteString("state", stateName t.State)
    w.WriteStartArray "schedule"

    for win in t.Schedule do
        w.WriteStartObject()

        writeStrings
            w
            "days"
            (win.Days
             |> Set.toList
             |> List.sortBy (fun d -> (int d + 6) % 7)
             |> List.map Schedule.dayName)

        w.WriteString("from", Schedule.formatTime win.FromMinute)
        w.WriteString("to", Schedule.formatTime win.ToMinute)
        w.WriteEndObject()

    w.WriteEndArray()
    w.WriteNumber("debounceMs", t.DebounceMs)
    w.WriteNumber("cooldownMs", t.CooldownMs)
    w.WriteEndObject()
    w.WriteStartArray "actions"

    for a in rule.Actions do
        w.WriteStartObject()
        w.WriteString("type", kindName a)

        match a with
        | VmsEvent(target, message) ->
            w.WriteString("target", target)
            w.WriteString("message", message)
        | Email(recipients, subject) ->
            writeStrings w "to" recipients
            w.WriteString("subject", subject)
        | Sms(recipients, message) ->
            writeStrings w "to" recipients
            w.WriteString("message", message)
        | Webhook target -> w.WriteString("target", target)
        | MqttPublish(topic, payload) ->
            w.WriteString("topic", topic)
            w.WriteString("payload", payload)
        | GpioPulse(output, ms) ->
            w.WriteString("output", output)
            w.WriteNumber("pulseMs", ms)
        | Snapshot camera -> camera |> Option.iter (fun c -> w.WriteString("camera", c))
        | Clip(camera, pre, post, export, downscale) ->
            camera |> Option.iter (fun c -> w.WriteString("camera", c))
            w.WriteNumber("preSeconds", pre)
            w.WriteNumber("postSeconds", post)
            w.WriteBoolean("export", export)

            if downscale then
                w.WriteBoolean("downscale", true)

        w.WriteEndObject()

    w.WriteEndArray()
    w.WriteEndObject()

/// A rule as indented JSON text.
let serialize (rule: Rule) : string =
    use stream = new MemoryStream()

    (use w = new Utf8JsonWriter(stream, JsonWriterOptions(Indented = true))
     writeRule w rule)

    Encoding.UTF8.GetString(stream.ToArray())
