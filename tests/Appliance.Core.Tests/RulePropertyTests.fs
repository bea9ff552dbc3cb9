module Appliance.Core.Tests.RulePropertyTests

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Appliance.Core.Rules
open Appliance.Core.Tests.RuleGenerators

[<Property(MaxTest = 300)>]
let ``generated valid rules round-trip through serialize and parse`` () =
    Prop.forAll (Arb.fromGen rule) (fun r ->
        let text = RulesJson.serialize r
        (RulesJson.parse EventCatalog.standard text = Ok r) |> Prop.label text)

[<Property(MaxTest = 200)>]
let ``generated rule sets without feedback validate clean`` () =
    Prop.forAll (Arb.fromGen rules) (fun rs -> RuleValidation.validateSet EventCatalog.standard rs = [])

/// Whatever the events, a rule never fires twice within its cooldown, and a firing event never comes within the
/// debounce period of the previous matching in-schedule event of the same source.
[<Property(MaxTest = 300)>]
let ``cooldown and debounce hold over any event sequence`` () =
    Prop.forAll (Arb.fromGen (Gen.zip rules events)) (fun (rs, es) ->
        let report = DryRun.run rs es
        let byId = es |> List.map (fun e -> e.Id, e) |> Map.ofList

        rs
        |> List.forall (fun r ->
            let mine = report.Outcomes |> List.filter (fun o -> o.RuleId = r.Id)

            let fired =
                mine
                |> List.filter (fun o -> o.Decision = Fired)
                |> List.map (fun o -> byId.[o.EventId])

            let cooldownHolds =
                fired
                |> List.pairwise
                |> List.forall (fun (a, b) ->
                    r.Trigger.CooldownMs = 0
                    || (b.At - a.At).TotalMilliseconds >= float r.Trigger.CooldownMs)

            let counted =
                mine
                |> List.filter (fun o -> o.Decision <> OutsideSchedule)
                |> List.map (fun o -> byId.[o.EventId])

            let debounceHolds =
                counted
                |> List.pairwise
                |> List.forall (fun (a, b) ->
                    let fires = fired |> List.exists (fun f -> f.Id = b.Id)
                    let sameSource = RuleEngine.sourceKey a = RuleEngine.sourceKey b

                    not fires
                    || not sameSource
                    || r.Trigger.DebounceMs = 0
                    || (b.At - a.At).TotalMilliseconds >= float r.Trigger.DebounceMs)

            cooldownHolds && debounceHolds))

[<Property(MaxTest = 200)>]
let ``evaluation is pure: the same state and event give the same result, and fired outcomes carry the actions`` () =
    Prop.forAll (Arb.fromGen (Gen.zip rules events)) (fun (rs, es) ->
        let step state e =
            let a = RuleEngine.evaluate rs state e
            let b = RuleEngine.evaluate rs state e
            a = b, snd a

        let allSame, _ =
            es
            |> List.fold (fun (ok, s) e -> let same, s' = step s e in ok && same, s') (true, EngineState.empty)

        let report = DryRun.run rs es

        let actionsRight =
            report.Outcomes
            |> List.forall (fun o ->
                let r = rs |> List.find (fun r -> r.Id = o.RuleId)

                if o.Decision = Fired then
                    o.Actions = r.Actions
                else
                    o.Actions.IsEmpty)

        allSame
        && actionsRight
        && report.Fired + report.Suppressed = report.Outcomes.Length)

/// Random edits of a valid rule document never throw: they parse, or every error has a message.
[<Property(MaxTest = 500)>]
let ``mutated rule documents never throw`` () =
    let mutate =
        gen {
            let! r = rule
            let text = RulesJson.serialize r
            let! cut = Gen.choose (0, text.Length)
            let! junk = Gen.elements [ ""; "\""; "{"; "}"; ","; "null"; "[1e999]"; "\\u0000"; "\u0001" ]
            let! mode = Gen.choose (0, 2)

            return
                match mode with
                | 0 -> text.Substring(0, cut)
                | 1 -> text.Substring(0, cut) + junk + text.Substring(cut)
                | _ -> text.Remove(cut, min 3 (text.Length - cut))
        }

    Prop.forAll (Arb.fromGen mutate) (fun text ->
        match RulesJson.parse EventCatalog.standard text with
        | Ok _ -> true
        | Error errors -> not errors.IsEmpty && errors |> List.forall (fun e -> e.Message <> ""))
