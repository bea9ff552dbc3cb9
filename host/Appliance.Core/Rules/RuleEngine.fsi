module Appliance.Core.Rules.RuleEngine

/// True when the event passes the trigger's type and filters (schedule, debounce and cooldown aside).
val matches: trigger: Appliance.Core.Rules.Trigger -> e: Appliance.Core.Rules.RuleEvent -> bool

/// The source an event comes from, for debounce: its camera, region and input together.
val sourceKey: e: Appliance.Core.Rules.RuleEvent -> string

/// One rule against one event: the outcome (None when the rule is disabled or its filters do not match) and the
/// rule's new memory. An event outside the schedule changes nothing; a matching event inside it restarts the
/// debounce quiet period of its source whether or not it fires; only a firing starts the cooldown.
val evaluateRule:
    rule: Appliance.Core.Rules.Rule ->
    memory: Appliance.Core.Rules.RuleMemory ->
    e: Appliance.Core.Rules.RuleEvent ->
        Appliance.Core.Rules.Outcome option * Appliance.Core.Rules.RuleMemory

/// Every rule against one event, in rule order: the outcomes of the rules whose filters matched, and the new state.
val evaluate:
    rules: Appliance.Core.Rules.Rule list ->
    state: Appliance.Core.Rules.EngineState ->
    e: Appliance.Core.Rules.RuleEvent ->
        Appliance.Core.Rules.Outcome list * Appliance.Core.Rules.EngineState

/// The state without the memory of rules that are no longer in `rules` (after a rule was deleted or replaced).
val retain:
    rules: Appliance.Core.Rules.Rule list -> state: Appliance.Core.Rules.EngineState -> Appliance.Core.Rules.EngineState
