module Appliance.Core.Rules.RuleValidation

/// Every error of one rule on its own (paths relative to the rule's JSON object).
val validateRule:
    catalog: Map<string, Appliance.Core.Rules.EventCatalog.EventShape> ->
    rule: Appliance.Core.Rules.Rule ->
        Appliance.Core.Rules.RuleError list

/// True when an event caused by `action` can match `trigger` (type, and the GPIO output against the inputs filter).
val feeds: action: Appliance.Core.Rules.RuleAction -> trigger: Appliance.Core.Rules.Trigger -> bool

/// Errors of `rule` among `all` (which contains it): a repeated id, and every action from which events lead back to
/// the rule's own trigger (directly, or through other rules' actions).
val validateAmong:
    all: Appliance.Core.Rules.Rule list -> rule: Appliance.Core.Rules.Rule -> Appliance.Core.Rules.RuleError list

/// Every error of a rule set: each rule alone and among the others, with paths prefixed by the rule's index.
val validateSet:
    catalog: Map<string, Appliance.Core.Rules.EventCatalog.EventShape> ->
    rules: Appliance.Core.Rules.Rule list ->
        Appliance.Core.Rules.RuleError list
