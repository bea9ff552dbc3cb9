namespace Appliance.Core.Rules

/// One action of a fired rule, flattened for the host (the fields of `RuleActionRequested`).
type ActionRequest =
    {
        Index: int
        Kind: string
        Target: string
        Parameters: System.Collections.Generic.IReadOnlyDictionary<string, string>
        Recipients: string array
    }

/// What one rule made of one event, for C# callers.
type RuleDecision =
    {
        RuleId: string
        RuleName: string
        EventId: string

        /// "fired", "outside-schedule", "debounced" or "cooling-down".
        Decision: string
        Actions: ActionRequest array
    }

/// A rule read from JSON: the rule, or every error with its path.
type RuleCheck =
    {
        Rule: Rule option
        Errors: RuleError array
    }

    member IsValid: bool

    /// The rule; reading it from an invalid check is a bug and throws.
    member Valid: Rule

/// Rules in order, for C# callers: a read-only list that the core evaluates without copying it into an F# list.
[<Sealed>]
type RuleSet =
    interface System.Collections.Generic.IReadOnlyList<Rule>

    new: rules: Rule seq -> RuleSet

    private new: rules: Rule list * items: Rule array -> RuleSet

    member Count: int

    member IsEmpty: bool

    member Item: i: int -> Rule with get

    member internal List: Rule list

    static member Empty: RuleSet

/// The rules for C# callers (the host): plain arrays, strings and nullables instead of F# lists and options.
[<AbstractClass; Sealed; Class>]
type RulesFacade =

    /// The event's camera, region and input; null when it carries none.
    static member Camera: e: RuleEvent -> string | null

    /// The standard catalog plus event types known only by name (plugins' own events).
    static member Catalog:
        extraTypes: string seq -> System.Collections.Generic.IReadOnlyDictionary<string, EventCatalog.EventShape>

    /// Reads one rule and checks it alone and among `others` (the stored rules, without the one it replaces).
    static member Check:
        catalog: System.Collections.Generic.IReadOnlyDictionary<string, EventCatalog.EventShape> *
        others: Rule seq *
        json: string ->
            RuleCheck

    /// A dry run over events in order from an empty memory.
    static member DryRun: rules: RuleSet * events: RuleEvent seq -> RuleDecision array

    /// Evaluates every rule against one event: the decisions of the rules that matched, and the new state.
    static member Evaluate:
        rules: RuleSet * state: EngineState * e: RuleEvent -> struct (RuleDecision array * EngineState)

    /// An event for evaluation; null strings and a null active flag mean "not carried".
    static member Event:
        id: string *
        eventType: string *
        camera: string | null *
        region: string | null *
        input: string | null *
        active: System.Nullable<bool> *
        at: System.DateTimeOffset *
        local: System.DateTime ->
            RuleEvent

    static member Input: e: RuleEvent -> string | null

    /// A refusal that is not the core's (the host's own checks: ids, limits).
    static member Refused: path: string * message: string -> RuleCheck

    static member Region: e: RuleEvent -> string | null

    static member Retain: rules: RuleSet * state: EngineState -> EngineState

    /// Rules in this order, for `Evaluate`, `DryRun` and `Retain`.
    static member RuleSet: rules: Rule seq -> RuleSet

    static member Serialize: rule: Rule -> string

    static member Write: writer: System.Text.Json.Utf8JsonWriter * rule: Rule -> unit

    static member EmptyState: EngineState
