module Appliance.Core.Rules.EventCatalog

/// The facts an event type carries that trigger filters can look at.
type EventShape =
    {
        HasCamera: bool
        HasRegion: bool
        HasInput: bool
        HasActive: bool
    }

/// The event published for every action of a fired rule.
[<Literal>]
val ActionRequested: string = "RuleActionRequested"

/// Published by an integration when it gives up on an action older than its age limit.
[<Literal>]
val ActionExpired: string = "RuleActionExpired"

/// Published by an integration after an action was delivered.
[<Literal>]
val ActionDelivered: string = "RuleActionDelivered"

/// The appliance's typed events (Appliance.Abstractions.Events) and what each carries. The host adds the event
/// types plugins publish without a typed record, with `unknownShape`.
val standard: Map<string, EventShape>

/// A type known by name only: any filter may apply.
val unknownShape: EventShape

/// The event types an action causes, with the `device/output` key for GPIO (None = any key).
val outputs: action: Appliance.Core.Rules.RuleAction -> (string * string option) list

/// The short name of an action's kind, as in the JSON "type" field and the `RuleActionRequested.Kind`.
val kindName: action: Appliance.Core.Rules.RuleAction -> string
