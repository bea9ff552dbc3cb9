module Appliance.Core.Rules.RulesJson

/// Longer input (characters) is refused before parsing.
val maxJsonLength: int

/// Reads a parsed rule: reading errors, then `RuleValidation.validateRule`'s, each with its path.
val readElement:
    catalog: Map<string, Appliance.Core.Rules.EventCatalog.EventShape> ->
    root: System.Text.Json.JsonElement ->
        Result<Appliance.Core.Rules.Rule, Appliance.Core.Rules.RuleError list>

/// Parses a rule given as JSON text: every problem, each with its path.
val parse:
    catalog: Map<string, Appliance.Core.Rules.EventCatalog.EventShape> ->
    json: string ->
        Result<Appliance.Core.Rules.Rule, Appliance.Core.Rules.RuleError list>

/// Writes a rule as a JSON object that `readElement` reads back to the same rule.
val writeRule: w: System.Text.Json.Utf8JsonWriter -> rule: Appliance.Core.Rules.Rule -> unit

/// A rule as indented JSON text.
val serialize: rule: Appliance.Core.Rules.Rule -> string
