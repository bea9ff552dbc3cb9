/// Rule evaluation: pure. The debounce and cooldown memory is passed in and the new memory returned, so the caller
/// decides where it lives (the host keeps it in memory for its subscriber, a dry run starts from empty).
module Appliance.Core.Rules.RuleEngine

open System

let private listed (filter: string list) (value: string option) =
    filter.IsEmpty
    || (match value with
        | Some v -> List.contains v filter
        | None -> false)

/// True when the event passes the trigger's type and filters (schedule, debounce and cooldown aside).
let matches (trigger: Trigger) (e: RuleEvent) =
    List.contains e.Type trigger.EventTypes
    && listed trigger.Cameras e.Camera
    && listed trigger.Regions e.Region
    && listed trigger.Inputs e.Input
    && (match trigger.State, e.Active with
        | _, None
        | EitherState, _ -> true
        | WhenActive, Some active -> active
        | WhenInactive, Some active -> not active)

/// The source an event comes from, for debounce: its camera, region and input together.
let sourceKey (e: RuleEvent) =
    String.Join("|", Option.defaultValue "" e.Camera, Option.defaultValue "" e.Region, Option.defaultValue "" e.Input)

let private emptyMemory =
    {
        LastFired = None
        LastSeen = Map.empty
    }

/// Within `periodMs` of `earlier`, either way (clocks may step back a little between events).
let private within (periodMs: int) (earlier: DateTimeOffset) (at: DateTimeOffset) =
    periodMs > 0 && abs (at - earlier).TotalMilliseconds < float periodMs

let private later (a: DateTimeOffset) (b: DateTimeOffset) = if a > b then a else b

/// One rule against one event: the outcome (None when the rule is disabled or its filters do not match) and the
/// rule's new memory. An event outside the schedule changes nothing; a matching event inside it restarts the
/// debounce quiet period of its source whether or not it fires; only a firing starts the cooldown.
let private evaluateWithKey (rule: Rule) (memory: RuleMemory) (e: RuleEvent) (key: Lazy<string>) =
    let t = rule.Trigger

    let outcome decision actions =
        Some
            {
                RuleId = rule.Id
                EventId = e.Id
                Decision = decision
                Actions = actions
            }

    if not rule.Enabled || not (matches t e) then
        None, memory
    elif not (Schedule.allows t.Schedule e.Local) then
        outcome OutsideSchedule [], memory
    else
        let previous =
            if memory.LastSeen.IsEmpty then
                None
            else
                memory.LastSeen.TryFind key.Value

        let debounced =
            previous |> Option.exists (fun last -> within t.DebounceMs last e.At)

        let seen =
            if t.DebounceMs = 0 then
                memory.LastSeen
            else
                memory.LastSeen
                |> Map.filter (fun _ last -> within t.DebounceMs last e.At)
                |> Map.add key.Value (previous |> Option.map (later e.At) |> Option.defaultValue e.At)

        let cooling =
            memory.LastFired |> Option.exists (fun fired -> within t.CooldownMs fired e.At)

        if debounced then
            outcome Debounced [], { memory with LastSeen = seen }
        elif cooling then
            outcome CoolingDown [], { memory with LastSeen = seen }
        else
            outcome Fired rule.Actions,
            {
                LastFired = Some e.At
                LastSeen = seen
            }

let evaluateRule (rule: Rule) (memory: RuleMemory) (e: RuleEvent) : Outcome option * RuleMemory =
    evaluateWithKey rule memory e (lazy (sourceKey e))

/// Every rule against one event, in rule order: the outcomes of the rules whose filters matched, and the new state.
/// The event's source key is made once per event, and only if a rule with a debounce needs it.
let evaluate (rules: Rule list) (state: EngineState) (e: RuleEvent) : Outcome list * EngineState =
    let key = lazy (sourceKey e)

    let folder (outcomes, memories: Map<string, RuleMemory>) (rule: Rule) =
        let memory = memories.TryFind rule.Id |> Option.defaultValue emptyMemory

        match evaluateWithKey rule memory e key with
        | decision, m ->
            let outcomes =
                match decision with
                | Some o -> o :: outcomes
                | None -> outcomes
            // Unchanged memory is not stored, so rules that never matched leave no trace in the state.
            outcomes,
            (if obj.ReferenceEquals(m, memory) then
                 memories
             else
                 memories.Add(rule.Id, m))

    let outcomes, memories = rules |> List.fold folder ([], state.Rules)
    List.rev outcomes, { Rules = memories }

/// The state without the memory of rules that are no longer in `rules` (after a rule was deleted or replaced).
let retain (rules: Rule list) (state: EngineState) : EngineState =
    let ids = rules |> List.map (fun r -> r.Id) |> Set.ofList

    {
        Rules = state.Rules |> Map.filter (fun id _ -> ids.Contains id)
    }
