/// FsCheck generators of valid rules (no cycles) and of event sequences for the rule engine.
module Appliance.Core.Tests.RuleGenerators

open System
open FsCheck
open FsCheck.FSharp
open Appliance.Core.Rules

let private pieces =
    [ "a"; "Z"; "7"; " "; "é"; "漢"; "😀"; "\""; "\\"; "<"; "/"; "-" ]

let text =
    gen {
        let! n = Gen.choose (0, 6)
        let! parts = Gen.listOfLength n (Gen.elements pieces)
        return "x" + String.Concat parts
    }

let cameras = [ "lobby"; "door"; "yard" ]
let regions = [ "zone1"; "zone2" ]
let inputs = [ "io1/in1"; "io1/in2" ]

/// Trigger types that no action of a generated rule causes, so generated rule sets have no cycle.
let triggerTypes =
    [
        "MotionDetected"
        "TamperDetected"
        "DigitalInputChanged"
        "CameraWentOffline"
    ]

let private subset (items: 'a list) =
    gen {
        let! keep = Gen.listOfLength items.Length (Gen.elements [ true; false ])
        return List.zip items keep |> List.filter snd |> List.map fst
    }

let window =
    gen {
        let! days =
            subset
                [
                    DayOfWeek.Monday
                    DayOfWeek.Tuesday
                    DayOfWeek.Wednesday
                    DayOfWeek.Thursday
                    DayOfWeek.Friday
                    DayOfWeek.Saturday
                    DayOfWeek.Sunday
                ]

        let! day = Gen.elements [ DayOfWeek.Monday; DayOfWeek.Sunday ]
        let! from = Gen.choose (0, 1439)
        let! until = Gen.choose (1, 1440) |> Gen.filter (fun t -> t <> from)

        return
            {
                Days = Set.ofList (day :: days)
                FromMinute = from
                ToMinute = until
            }
    }

let trigger =
    gen {
        let! types = subset triggerTypes |> Gen.filter (fun l -> not l.IsEmpty)

        let! cams =
            if types = [ "DigitalInputChanged" ] then
                Gen.constant []
            else
                subset cameras

        let! state = Gen.elements [ WhenActive; WhenInactive; EitherState ]
        let! schedule = Gen.oneof [ Gen.constant []; Gen.listOfLength 1 window; Gen.listOfLength 2 window ]
        let! debounce = Gen.oneof [ Gen.constant 0; Gen.choose (1, 60_000) ]
        let! cooldown = Gen.oneof [ Gen.constant 0; Gen.choose (1, 600_000) ]
        // Region and input filters only where a listed type carries them (otherwise the rule is impossible).
        let! regs =
            if List.exists (fun t -> t = "MotionDetected" || t = "TamperDetected") types then
                subset regions
            else
                Gen.constant []

        let! ins =
            if List.contains "DigitalInputChanged" types then
                subset inputs
            else
                Gen.constant []

        return
            {
                EventTypes = types
                Cameras = cams
                Regions = regs
                Inputs = ins
                State = state
                Schedule = schedule
                DebounceMs = debounce
                CooldownMs = cooldown
            }
    }

let action =
    Gen.oneof
        [
            Gen.map2 (fun t m -> VmsEvent(t, m)) text text
            Gen.map2 (fun r s -> Email(r, s)) (Gen.listOfLength 2 text) text
            Gen.map2
                (fun r m -> Sms(r, m))
                (Gen.listOfLength 2 (Gen.choose (1_000_000, 99_999_999) |> Gen.map (fun n -> $"+1555{n}")))
                text
            Gen.map Webhook text
            Gen.map2 (fun t p -> MqttPublish(t, p)) text text
            Gen.map2 (fun o ms -> GpioPulse(o, ms)) (Gen.elements [ "io1/out1"; "io2/out1" ]) (Gen.choose (1, 60_000))
            Gen.map (fun c -> Snapshot(Some c)) (Gen.elements cameras)
            Gen.map3
                (fun c (pre, post) (export, downscale) -> Clip(Some c, pre, post, export, downscale))
                (Gen.elements cameras)
                (Gen.zip (Gen.choose (0, 3600)) (Gen.choose (1, 3600)))
                (Gen.zip (Gen.elements [ true; false ]) (Gen.elements [ true; false ]))
        ]

let ruleWithId (id: string) =
    gen {
        let! name = text
        let! enabled = Gen.elements [ true; true; false ]
        let! t = trigger
        let! n = Gen.choose (1, 4)
        let! actions = Gen.listOfLength n action

        return
            {
                Id = id
                Name = name
                Enabled = enabled
                Trigger = t
                Actions = actions
            }
    }

let rule =
    gen {
        let! n = Gen.choose (1, 20)
        let! chars = Gen.listOfLength n (Gen.elements (List.ofSeq "abcxyz019-"))
        return! ruleWithId (String(Array.ofList chars))
    }

let rules =
    gen {
        let! n = Gen.choose (1, 5)
        let! list = [ for i in 1..n -> ruleWithId $"rule-{i}" ] |> Gen.sequenceToList
        return list
    }

let private start = DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero)

/// Events in time order (gaps 0..20 s), with the same facts drawn from small sets so rules match often.
let events =
    gen {
        let! n = Gen.choose (0, 60)
        let! gaps = Gen.listOfLength n (Gen.choose (0, 20_000))
        let! kinds = Gen.listOfLength n (Gen.elements triggerTypes)
        let! cams = Gen.listOfLength n (Gen.elements cameras)
        let! regs = Gen.listOfLength n (Gen.elements regions)
        let! ins = Gen.listOfLength n (Gen.elements inputs)
        let! actives = Gen.listOfLength n (Gen.elements [ true; false ])

        let times =
            gaps
            |> List.scan (fun (t: DateTimeOffset) g -> t.AddMilliseconds(float g)) start
            |> List.tail

        return
            [
                for i in 0 .. n - 1 ->
                    let k = kinds.[i]
                    let at = times.[i]

                    {
                        Id = $"e{i}"
                        Type = k
                        Camera = if k = "DigitalInputChanged" then None else Some cams.[i]
                        Region =
                            if k = "MotionDetected" || k = "TamperDetected" then
                                Some regs.[i]
                            else
                                None
                        Input = if k = "DigitalInputChanged" then Some ins.[i] else None
                        Active = if k = "CameraWentOffline" then None else Some actives.[i]
                        At = at
                        Local = at.DateTime
                    }
            ]
    }
