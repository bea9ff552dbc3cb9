namespace Appliance.Core.Rules

open System
open System.Collections.Generic
open System.Text.Json

/// One action of a fired rule, flattened for the host (the fields of `RuleActionRequested`).
type ActionRequest =
    {
        Index: int
        Kind: string
        Target: string
        Parameters: IReadOnlyDictionary<string, string>
        Recipients: string[]
    }

/// What one rule made of one event, for C# callers.
type RuleDecision =
    {
        RuleId: string
        RuleName: string
        EventId: string
        /// "fired", "outside-schedule", "debounced" or "cooling-down".
        Decision: string
        Actions: ActionRequest[]
    }

/// A rule read from JSON: the rule, or every error with its path.
type RuleCheck =
    {
        Rule: Rule option
        Errors: RuleError[]
    }

    member this.IsValid = this.Rule.IsSome

    /// The rule; reading it from an invalid check is a bug and throws.
    member this.Valid: Rule =
        match this.Rule with
        | Some r -> r
        | None -> invalidOp "the rule is not valid; read Errors"

/// Rules in order, for C# callers: a read-only list that the core evaluates without copying it into an F# list.
[<Sealed>]
type RuleSet private (rules: Rule list, items: Rule[]) =
    // Names by id, made once per rule set (every decision names its rule).
    let names =
        let d = Dictionary<string, string>(StringComparer.Ordinal)

        for r in items do
            d.[r.Id] <- r.Name

        d

    new(rules: Rule seq) =
        let list = List.ofSeq rules
        RuleSet(list, Array.ofList list)

    member internal _.List = rules
    member internal _.Names: IReadOnlyDictionary<string, string> = names
    member _.Count = items.Length
    member _.IsEmpty = items.Length = 0

    member _.Item
        with get (i: int) = items.[i]

    static member Empty = RuleSet(Seq.empty)

    interface IReadOnlyList<Rule> with
        member _.Count = items.Length

        member _.Item
            with get (i: int) = items.[i]

        member _.GetEnumerator() : IEnumerator<Rule> = (items :> Rule seq).GetEnumerator()
        member _.GetEnumerator() : System.Collections.IEnumerator = items.GetEnumerator()

/// The rules for C# callers (the host): plain arrays, strings and nullables instead of F# lists and options.
[<AbstractClass; Sealed>]
type RulesFacade =
    /// The standard catalog plus event types known only by name (plugins' own events).
    static member Catalog(extraTypes: string seq) : IReadOnlyDictionary<string, EventCatalog.EventShape> =
        extraTypes
        |> Seq.fold
            (fun (m: Map<_, _>) t ->
                if m.ContainsKey t then
                    m
                else
                    m.Add(t, EventCatalog.unknownShape))
            EventCatalog.standard
        :> IReadOnlyDictionary<_, _>

    static member private AsMap(catalog: IReadOnlyDictionary<string, EventCatalog.EventShape>) =
        match catalog with
        | :? Map<string, EventCatalog.EventShape> as m -> m
        | _ -> catalog |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq

    /// Reads one rule and checks it alone and among `others` (the stored rules, without the one it replaces).
    static member Check
        (catalog: IReadOnlyDictionary<string, EventCatalog.EventShape>, others: Rule seq, json: string)
        : RuleCheck =
        match RulesJson.parse (RulesFacade.AsMap catalog) json with
        | Error errors ->
            {
                Rule = None
                Errors = Array.ofList errors
            }
        | Ok rule ->
            match RuleValidation.validateAmong (rule :: List.ofSeq others) rule with
            | [] -> { Rule = Some rule; Errors = [||] }
            | errors ->
                {
                    Rule = None
                    Errors = Array.ofList errors
                }

    /// A refusal that is not the core's (the host's own checks: ids, limits).
    static member Refused(path: string, message: string) : RuleCheck =
        {
            Rule = None
            Errors = [| { Path = path; Message = message } |]
        }

    /// Rules in this order, for `Evaluate`, `DryRun` and `Retain`.
    static member RuleSet(rules: Rule seq) : RuleSet = RuleSet(rules)

    static member Serialize(rule: Rule) = RulesJson.serialize rule

    static member Write(writer: Utf8JsonWriter, rule: Rule) = RulesJson.writeRule writer rule

    /// An event for evaluation; null strings and a null active flag mean "not carried".
    static member Event
        (
            id: string,
            eventType: string,
            camera: string | null,
            region: string | null,
            input: string | null,
            active: Nullable<bool>,
            at: DateTimeOffset,
            local: DateTime
        ) : RuleEvent =
        {
            Id = id
            Type = eventType
            Camera = Option.ofObj camera
            Region = Option.ofObj region
            Input = Option.ofObj input
            Active = Option.ofNullable active
            At = at
            Local = local
        }

    static member private Request (index: int) (action: RuleAction) (e: RuleEvent) : ActionRequest =
        let parameters (pairs: (string * string) list) = readOnlyDict pairs

        let target, ps, recipients =
            match action with
            | VmsEvent(target, message) -> target, [ "message", message ], []
            | Email(recipients, subject) -> "", [ "subject", subject ], recipients
            | Sms(recipients, message) -> "", [ "message", message ], recipients
            | Webhook target -> target, [], []
            | MqttPublish(topic, payload) -> topic, [ "payload", payload ], []
            | GpioPulse(output, ms) -> output, [ "pulseMs", string ms ], []
            | Snapshot camera -> (camera |> Option.orElse e.Camera |> Option.defaultValue ""), [], []
            | Clip(camera, pre, post, export, downscale) ->
                (camera |> Option.orElse e.Camera |> Option.defaultValue ""),
                [
                    "preSeconds", string pre
                    "postSeconds", string post
                    "export", (if export then "true" else "false")
                    "downscale", (if downscale then "true" else "false")
                ],
                []

        {
            Index = index
            Kind = EventCatalog.kindName action
            Target = target
            Parameters = parameters ps
            Recipients = Array.ofList recipients
        }

    static member private Decisions
        (names: IReadOnlyDictionary<string, string>, outcomes: Outcome list, events: Map<string, RuleEvent>)
        =
        [|
            for o in outcomes ->
                {
                    RuleId = o.RuleId
                    RuleName = names.[o.RuleId]
                    EventId = o.EventId
                    Decision =
                        match o.Decision with
                        | Fired -> "fired"
                        | OutsideSchedule -> "outside-schedule"
                        | Debounced -> "debounced"
                        | CoolingDown -> "cooling-down"
                    Actions =
                        o.Actions
                        |> List.mapi (fun i a -> RulesFacade.Request i a events.[o.EventId])
                        |> Array.ofList
                }
        |]

    /// Evaluates every rule against one event: the decisions of the rules that matched, and the new state.
    static member Evaluate(rules: RuleSet, state: EngineState, e: RuleEvent) : struct (RuleDecision[] * EngineState) =
        let outcomes, next = RuleEngine.evaluate rules.List state e
        struct (RulesFacade.Decisions(rules.Names, outcomes, Map.ofList [ e.Id, e ]), next)

    /// A dry run over events in order from an empty memory.
    static member DryRun(rules: RuleSet, events: RuleEvent seq) : RuleDecision[] =
        let list = List.ofSeq events
        let report = DryRun.run rules.List list
        RulesFacade.Decisions(rules.Names, report.Outcomes, list |> List.map (fun e -> e.Id, e) |> Map.ofList)

    static member Retain(rules: RuleSet, state: EngineState) = RuleEngine.retain rules.List state

    static member EmptyState = EngineState.empty

    /// The event's camera, region and input; null when it carries none.
    static member Camera(e: RuleEvent) : string | null = Option.toObj e.Camera

    static member Region(e: RuleEvent) : string | null = Option.toObj e.Region

    static member Input(e: RuleEvent) : string | null = Option.toObj e.Input
