module Appliance.Core.Rules.DryRun

type Report =
    {

        /// Every outcome of a rule whose filters matched, in event order.
        Outcomes: Appliance.Core.Rules.Outcome list
        EventsSeen: int
        Fired: int

        /// Matched but not fired (outside the schedule, debounced, cooling down).
        Suppressed: int
    }

val run: rules: Appliance.Core.Rules.Rule list -> events: Appliance.Core.Rules.RuleEvent list -> Report
