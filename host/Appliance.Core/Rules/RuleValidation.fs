/// The checks of a rule that need more than its JSON shape: event types the appliance knows, filters that some
/// listed event type can satisfy, schedules that can ever be open, and rules whose actions lead back to their own
/// trigger. Every error is returned, each with its JSON path.
module Appliance.Core.Rules.RuleValidation

open System
open Appliance.Core.Rules.EventCatalog

let private err path message = { Path = path; Message = message }

/// E.164: '+', a non-zero country digit, 7 to 15 digits in all.
let private isE164 (number: string) =
    number.Length >= 8
    && number.Length <= 16
    && number.[0] = '+'
    && number.[1] <> '0'
    && number |> Seq.skip 1 |> Seq.forall Char.IsAsciiDigit

let private child (path: string) (name: string) =
    if path = "" then name else path + "." + name

module private JsonIndex =
    let at (path: string) (i: int) = path + "[" + string i + "]"

let private shapes (catalog: Map<string, EventShape>) (trigger: Trigger) =
    trigger.EventTypes |> List.choose catalog.TryFind

let private eventTypeErrors (catalog: Map<string, EventShape>) path (trigger: Trigger) =
    [
        if List.isEmpty trigger.EventTypes then
            yield err (child path "events") "lists no event type; a rule needs at least one"
        for i, t in List.indexed trigger.EventTypes do
            if not (catalog.ContainsKey t) then
                let near =
                    catalog.Keys
                    |> Seq.filter (fun k -> String.Equals(k, t, StringComparison.OrdinalIgnoreCase))
                    |> Seq.tryHead
                    |> Option.map (fun k -> $" (did you mean {k}?)")
                    |> Option.defaultValue ""

                yield err (JsonIndex.at (child path "events") i) $"unknown event type \"{t}\"{near}"
        for t in
            trigger.EventTypes
            |> List.countBy id
            |> List.filter (fun (_, n) -> n > 1)
            |> List.map fst do
            yield err (child path "events") $"lists \"{t}\" more than once"
    ]

/// Filters that no listed event type can satisfy make a rule that can never fire.
let private impossibleFilterErrors (catalog: Map<string, EventShape>) path (trigger: Trigger) =
    let known = shapes catalog trigger
    let allKnown = known.Length = trigger.EventTypes.Length && not known.IsEmpty

    let check (items: string list) name (has: EventShape -> bool) what =
        if allKnown && not items.IsEmpty && not (known |> List.exists has) then
            let types = String.Join(", ", trigger.EventTypes)

            [
                err
                    (child path name)
                    $"none of the listed event types ({types}) carries {what}; the rule could never fire"
            ]
        else
            []

    check trigger.Cameras "cameras" (fun s -> s.HasCamera) "a camera"
    @ check trigger.Regions "regions" (fun s -> s.HasRegion) "a motion region"
    @ check trigger.Inputs "inputs" (fun s -> s.HasInput) "a digital input"

let private scheduleErrors path (trigger: Trigger) =
    [
        for i, w in List.indexed trigger.Schedule do
            let p = JsonIndex.at (child path "schedule") i

            if w.Days.IsEmpty then
                yield err (child p "days") "lists no day; the window would never be open"

            if w.FromMinute = w.ToMinute then
                yield
                    err
                        p
                        $"opens and closes at the same time ({Schedule.formatTime w.FromMinute}); the window would never be open (use 00:00-24:00 for all day)"

            if w.FromMinute > 1439 then
                yield err (child p "from") "24:00 can only end a window"

            if w.ToMinute > 1440 || w.FromMinute < 0 || w.ToMinute < 0 then
                yield err p "time out of range"
    ]

let private periodErrors path (trigger: Trigger) =
    [
        for name, v in [ "debounceMs", trigger.DebounceMs; "cooldownMs", trigger.CooldownMs ] do
            if v < 0 || v > RuleLimits.maxPeriodMs then
                yield err (child path name) $"{v} is out of range (0 to {RuleLimits.maxPeriodMs} ms)"
    ]

let private actionErrors (catalog: Map<string, EventShape>) (rule: Rule) =
    let carriesCamera =
        shapes catalog rule.Trigger
        |> fun known ->
            known.Length < rule.Trigger.EventTypes.Length
            || known |> List.exists (fun s -> s.HasCamera)

    [
        if List.isEmpty rule.Actions then
            yield err "actions" "lists no action; a rule needs at least one"
        if rule.Actions.Length > RuleLimits.maxActions then
            yield err "actions" $"has {rule.Actions.Length} actions; the limit is {RuleLimits.maxActions}"
        for i, a in List.indexed rule.Actions do
            let p = $"actions[{i}]"

            match a with
            | Snapshot None when not carriesCamera ->
                yield err (child p "camera") "is needed: none of the trigger's event types names a camera"
            | Clip(None, _, _, _, _) when not carriesCamera ->
                yield err (child p "camera") "is needed: none of the trigger's event types names a camera"
            | Clip(_, pre, post, _, _) ->
                for name, v in [ "preSeconds", pre; "postSeconds", post ] do
                    if v < 0 || v > RuleLimits.maxClipSideSeconds then
                        yield err (child p name) $"{v} is out of range (0 to {RuleLimits.maxClipSideSeconds} s)"

                if pre + post < 1 then
                    yield err p "cuts nothing: preSeconds + postSeconds must be at least 1"
            | GpioPulse(_, ms) when ms < 1 || ms > RuleLimits.maxPulseMs ->
                yield err (child p "pulseMs") $"{ms} is out of range (1 to {RuleLimits.maxPulseMs} ms)"
            | Email(recipients, _) when recipients.IsEmpty -> yield err (child p "to") "lists no recipient"
            | Sms(recipients, _) when recipients.IsEmpty -> yield err (child p "to") "lists no recipient"
            | Sms(recipients, _) ->
                for j, number in List.indexed recipients do
                    if not (isE164 number) then
                        yield err $"{p}.to[{j}]" $"{number} is not an E.164 phone number (+ and 7 to 15 digits)"
            | _ -> ()
    ]

let private idErrors (rule: Rule) =
    let valid (c: char) =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c = '-'

    [
        if
            rule.Id.Length = 0
            || rule.Id.Length > RuleLimits.maxIdLength
            || not (Seq.forall valid rule.Id)
        then
            yield err "id" $"must be 1 to {RuleLimits.maxIdLength} lower-case letters, digits or '-'"
    ]

/// Every error of one rule on its own (paths relative to the rule's JSON object).
let validateRule (catalog: Map<string, EventShape>) (rule: Rule) : RuleError list =
    idErrors rule
    @ eventTypeErrors catalog "trigger" rule.Trigger
    @ impossibleFilterErrors catalog "trigger" rule.Trigger
    @ scheduleErrors "trigger" rule.Trigger
    @ periodErrors "trigger" rule.Trigger
    @ actionErrors catalog rule

/// True when an event caused by `action` can match `trigger` (type, and the GPIO output against the inputs filter).
let feeds (action: RuleAction) (trigger: Trigger) =
    outputs action
    |> List.exists (fun (t, key) ->
        List.contains t trigger.EventTypes
        && (match key with
            | Some k -> trigger.Inputs.IsEmpty || List.contains k trigger.Inputs
            | None -> true))

/// The shortest chain of rule ids from `start`'s successors back to `target`, if any (breadth first).
let private pathBack (rules: Rule list) (firstHop: Rule list) (target: string) : string list option =
    let successors (r: Rule) =
        rules
        |> List.filter (fun next -> r.Actions |> List.exists (fun a -> feeds a next.Trigger))

    let rec search (frontier: (Rule * string list) list) (seen: Set<string>) =
        match frontier with
        | [] -> None
        | (r, trail) :: _ when r.Id = target -> Some(List.rev (r.Id :: trail))
        | (r, trail) :: rest ->
            let next =
                successors r
                |> List.filter (fun n -> not (seen.Contains n.Id) || n.Id = target)
                |> List.map (fun n -> n, r.Id :: trail)

            search (rest @ next) (next |> List.fold (fun s (n, _) -> s.Add n.Id) seen)

    search (firstHop |> List.map (fun r -> r, [])) (firstHop |> List.map (fun r -> r.Id) |> Set.ofList)

/// Errors of `rule` among `all` (which contains it): a repeated id, and every action from which events lead back to
/// the rule's own trigger (directly, or through other rules' actions).
let validateAmong (all: Rule list) (rule: Rule) : RuleError list =
    let duplicates =
        if (all |> List.filter (fun r -> r.Id = rule.Id)).Length > 1 then
            [ err "id" $"\"{rule.Id}\" is used by another rule" ]
        else
            []

    let cycles =
        [
            for i, a in List.indexed rule.Actions do
                let firstHop = all |> List.filter (fun r -> feeds a r.Trigger)

                match pathBack all firstHop rule.Id with
                | Some chain ->
                    let shown = String.Join(" -> ", rule.Id :: chain)

                    yield
                        err
                            $"actions[{i}]"
                            $"causes events that trigger this rule again ({shown}); a rule may not feed its own trigger"
                | None -> ()
        ]

    duplicates @ cycles

/// Every error of a rule set: each rule alone and among the others, with paths prefixed by the rule's index.
let validateSet (catalog: Map<string, EventShape>) (rules: Rule list) : RuleError list =
    [
        if rules.Length > RuleLimits.maxRules then
            yield err "" $"has {rules.Length} rules; the limit is {RuleLimits.maxRules}"
        for i, r in List.indexed rules do
            for e in validateRule catalog r @ validateAmong rules r do
                yield
                    { e with
                        Path = if e.Path = "" then $"[{i}]" else $"[{i}].{e.Path}"
                    }
    ]
