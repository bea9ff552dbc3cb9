/// What a list of events would have triggered, without doing anything: the rules are evaluated in order from an
/// empty memory, so debounce and cooldown suppress exactly what they would have suppressed live.
module Appliance.Core.Rules.DryRun

type Report =
    {
        /// Every outcome of a rule whose filters matched, in event order.
        Outcomes: Outcome list
        EventsSeen: int
        Fired: int
        /// Matched but not fired (outside the schedule, debounced, cooling down).
        Suppressed: int
    }

let run (rules: Rule list) (events: RuleEvent list) : Report =
    let outcomes, _ =
        events
        |> List.fold
            (fun (acc, state) e ->
                let o, s = RuleEngine.evaluate rules state e
                List.rev o @ acc, s)
            ([], EngineState.empty)

    let outcomes = List.rev outcomes
    let fired = outcomes |> List.filter (fun o -> o.Decision = Fired) |> List.length

    {
        Outcomes = outcomes
        EventsSeen = events.Length
        Fired = fired
        Suppressed = outcomes.Length - fired
    }
