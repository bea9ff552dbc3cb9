module Appliance.Core.Tests.RulesTests

open System
open Xunit
open Appliance.Core.Rules

let catalog = EventCatalog.standard

/// The documented example of a rule (RulesJson's doc comment).
let exampleJson =
    """{ "id": "door-alarm", "name": "Door opened after hours", "enabled": true,
  "trigger": { "events": ["DigitalInputChanged"], "cameras": [], "regions": [], "inputs": ["io1/in1"],
               "state": "active", "schedule": [ { "days": ["mon","tue"], "from": "18:00", "to": "07:00" } ],
               "debounceMs": 200, "cooldownMs": 10000 },
  "actions": [ { "type": "vms", "target": "milestone", "message": "Door opened" },
               { "type": "email", "to": ["guard@example.com"], "subject": "Door opened" },
               { "type": "sms", "to": ["+15555550100"], "message": "Door opened" },
               { "type": "webhook", "target": "default" },
               { "type": "mqtt", "topic": "site/door", "payload": "open" },
               { "type": "gpio", "output": "io1/out1", "pulseMs": 500 },
               { "type": "snapshot", "camera": "lobby" } ] }"""

let parseOk json =
    match RulesJson.parse catalog json with
    | Ok r -> r
    | Error e -> failwithf "expected a valid rule, got %A" e

let errorsOf json =
    match RulesJson.parse catalog json with
    | Ok r -> failwithf "expected errors, got %A" r
    | Error e -> e

let hasError (path: string) (fragment: string) (errors: RuleError list) =
    Assert.True(
        errors |> List.exists (fun e -> e.Path = path && e.Message.Contains fragment),
        sprintf "no error at %s containing '%s' in %A" path fragment errors
    )

/// A minimal valid rule with the given trigger and actions JSON.
let ruleJson (trigger: string) (actions: string) =
    $$"""{ "id": "r1", "name": "R", "trigger": {{trigger}}, "actions": {{actions}} }"""

let at (s: string) =
    let t = DateTimeOffset.Parse(s, Globalization.CultureInfo.InvariantCulture)
    t, t.DateTime

let event id kind (camera: string option) (input: string option) (active: bool option) (time: string) =
    let utc, local = at time

    {
        Id = id
        Type = kind
        Camera = camera
        Region = None
        Input = input
        Active = active
        At = utc
        Local = local
    }

[<Fact>]
let ``the documented example parses with every field`` () =
    let r = parseOk exampleJson
    Assert.Equal("door-alarm", r.Id)
    Assert.Equal<string list>([ "io1/in1" ], r.Trigger.Inputs)
    Assert.Equal(WhenActive, r.Trigger.State)

    Assert.Equal(
        {
            Days = Set.ofList [ DayOfWeek.Monday; DayOfWeek.Tuesday ]
            FromMinute = 18 * 60
            ToMinute = 7 * 60
        },
        List.exactlyOne r.Trigger.Schedule
    )

    Assert.Equal(200, r.Trigger.DebounceMs)
    Assert.Equal(10000, r.Trigger.CooldownMs)

    Assert.Equal<RuleAction list>(
        [
            VmsEvent("milestone", "Door opened")
            Email([ "guard@example.com" ], "Door opened")
            Sms([ "+15555550100" ], "Door opened")
            Webhook "default"
            MqttPublish("site/door", "open")
            GpioPulse("io1/out1", 500)
            Snapshot(Some "lobby")
        ],
        r.Actions
    )

[<Fact>]
let ``an SMS action needs recipients, each an E.164 number`` () =
    let trigger = """{ "events": ["MotionDetected"] }"""

    let none =
        errorsOf (ruleJson trigger """[ { "type": "sms", "to": [], "message": "m" } ]""")

    hasError "actions[0].to" "lists no recipient" none

    let bad =
        errorsOf (
            ruleJson
                trigger
                """[ { "type": "sms", "to": ["+15555550100", "0170 1234567", "+0123456789"], "message": "m" } ]"""
        )

    hasError "actions[0].to[1]" "not an E.164" bad
    hasError "actions[0].to[2]" "not an E.164" bad
    Assert.Equal(2, bad.Length)

[<Fact>]
let ``a clip action: defaults, its own fields, ranges, and a camera when the trigger names none`` () =
    let motion = """{ "events": ["MotionDetected"] }"""
    let r = parseOk (ruleJson motion """[ { "type": "clip" } ]""")
    Assert.Equal<RuleAction list>([ Clip(None, 30, 30, false, false) ], r.Actions)

    let full =
        parseOk (
            ruleJson
                motion
                """[ { "type": "clip", "camera": "lobby", "preSeconds": 10, "postSeconds": 120, "export": true, "downscale": true } ]"""
        )

    Assert.Equal<RuleAction list>([ Clip(Some "lobby", 10, 120, true, true) ], full.Actions)
    Assert.Equal(full, parseOk (RulesJson.serialize full))

    let bad =
        errorsOf (
            ruleJson
                motion
                """[ { "type": "clip", "preSeconds": -1, "postSeconds": 3601, "export": "yes", "downscale": 1 } ]"""
        )

    hasError "actions[0].export" "" bad
    hasError "actions[0].downscale" "" bad

    let ranges =
        errorsOf (ruleJson motion """[ { "type": "clip", "preSeconds": -1, "postSeconds": 3601 } ]""")

    hasError "actions[0].preSeconds" "out of range" ranges
    hasError "actions[0].postSeconds" "out of range" ranges

    let nothing =
        errorsOf (ruleJson motion """[ { "type": "clip", "preSeconds": 0, "postSeconds": 0 } ]""")

    hasError "actions[0]" "cuts nothing" nothing

    let noCamera =
        errorsOf (ruleJson """{ "events": ["DigitalInputChanged"] }""" """[ { "type": "clip" } ]""")

    hasError "actions[0].camera" "is needed" noCamera

    hasError
        "actions[0].seconds"
        "unknown field"
        (errorsOf (ruleJson motion """[ { "type": "clip", "seconds": 5 } ]"""))

[<Fact>]
let ``defaults: enabled, active state, no schedule, no debounce or cooldown`` () =
    let r =
        parseOk (ruleJson """{ "events": ["MotionDetected"] }""" """[ { "type": "snapshot" } ]""")

    Assert.True r.Enabled
    Assert.Equal(WhenActive, r.Trigger.State)
    Assert.Empty r.Trigger.Schedule
    Assert.Equal(0, r.Trigger.DebounceMs)
    Assert.Equal<RuleAction list>([ Snapshot None ], r.Actions)

[<Fact>]
let ``an unknown event type is named with its path and a suggestion`` () =
    let errors =
        errorsOf (
            ruleJson
                """{ "events": ["MotionDetected", "motiondetected", "DoorExploded"] }"""
                """[ { "type": "webhook", "target": "a" } ]"""
        )

    hasError "trigger.events[1]" "did you mean MotionDetected" errors
    hasError "trigger.events[2]" "unknown event type \"DoorExploded\"" errors

[<Fact>]
let ``impossible schedules: no day, opening and closing at once, a time that does not exist`` () =
    let errors =
        errorsOf (
            ruleJson
                """{ "events": ["MotionDetected"], "schedule": [ { "days": [], "from": "08:00", "to": "09:00" },
                     { "from": "10:00", "to": "10:00" }, { "from": "25:00", "to": "26:61" }, { "days": ["funday"], "from": "24:00", "to": "01:00" } ] }"""
                """[ { "type": "webhook", "target": "a" } ]"""
        )
    // Reading errors come first; the semantic ones of a readable rule are checked in the next test.
    hasError "trigger.schedule[2].from" "is not a time of day" errors
    hasError "trigger.schedule[2].to" "is not a time of day" errors
    hasError "trigger.schedule[3].days[0]" "is not a day" errors

[<Fact>]
let ``a window that is never open is refused once the rule reads`` () =
    let errors =
        errorsOf (
            ruleJson
                """{ "events": ["MotionDetected"], "schedule": [ { "days": [], "from": "08:00", "to": "09:00" },
                     { "from": "10:00", "to": "10:00" }, { "from": "24:00", "to": "01:00" } ] }"""
                """[ { "type": "webhook", "target": "a" } ]"""
        )

    hasError "trigger.schedule[0].days" "never be open" errors
    hasError "trigger.schedule[1]" "opens and closes at the same time" errors
    hasError "trigger.schedule[2].from" "24:00 can only end a window" errors

[<Fact>]
let ``filters no listed event type carries make a rule that could never fire`` () =
    let errors =
        errorsOf (
            ruleJson
                """{ "events": ["DigitalInputChanged"], "regions": ["zone1"], "cameras": ["lobby"] }"""
                """[ { "type": "snapshot" } ]"""
        )

    hasError "trigger.regions" "could never fire" errors
    hasError "trigger.cameras" "could never fire" errors
    hasError "actions[0].camera" "is needed" errors

[<Fact>]
let ``every reading error is returned at once, each with its path`` () =
    let errors =
        errorsOf
            """{ "id": 7, "trigger": { "events": "MotionDetected", "debounceMs": -1.5, "bogus": 1 },
                 "actions": [ { "type": "gpio", "output": "o", "pulseMs": "long" }, { "type": "fax" }, 3 ], "extra": true }"""

    hasError "id" "expected a string" errors
    hasError "name" "required field is missing" errors
    hasError "trigger.events" "expected an array" errors
    hasError "trigger.debounceMs" "not a whole number" errors
    hasError "trigger.bogus" "unknown field" errors
    hasError "actions[0].pulseMs" "expected a whole number" errors
    hasError "actions[1].type" "is not an action" errors
    hasError "actions[2]" "expected an object" errors
    hasError "extra" "unknown field" errors

[<Fact>]
let ``periods and pulses out of range, no action, a bad id`` () =
    let errors =
        errorsOf
            """{ "id": "Bad Id!", "name": "x", "trigger": { "events": ["MotionDetected"], "debounceMs": -5, "cooldownMs": 999999999 }, "actions": [] }"""

    hasError "id" "lower-case letters" errors
    hasError "trigger.debounceMs" "out of range" errors
    hasError "trigger.cooldownMs" "out of range" errors
    hasError "actions" "lists no action" errors

    let pulse =
        errorsOf (
            ruleJson """{ "events": ["MotionDetected"] }""" """[ { "type": "gpio", "output": "o", "pulseMs": 0 } ]"""
        )

    hasError "actions[0].pulseMs" "out of range" pulse

[<Theory>]
[<InlineData("", "empty")>]
[<InlineData("   ", "empty")>]
[<InlineData("{", "not valid JSON")>]
[<InlineData("{\"id\": \"a\",", "not valid JSON")>]
[<InlineData("[]", "expected an object")>]
[<InlineData("null", "expected an object")>]
[<InlineData("{\"id\": \"a\", \"id\": \"b\"}", "more than once")>]
[<InlineData("{\"id\": \"\\ud800\"}", "not valid UTF-16")>]
[<InlineData("{\"id\": \"a\"} // c", "not valid JSON")>]
let ``malformed and hostile rule documents give a clear error`` (json: string, fragment: string) =
    let errors = errorsOf json
    Assert.True(errors |> List.exists (fun e -> e.Message.Contains fragment), sprintf "%A" errors)

[<Fact>]
let ``oversized and deeply nested documents are refused before or while parsing`` () =
    let big = "{\"id\": \"" + String('a', RulesJson.maxJsonLength) + "\"}"
    hasError "" "the limit is" (errorsOf big)
    let deep = String('[', 5000) + String(']', 5000)
    hasError "" "nested deeper" (errorsOf deep)

    let longName =
        ruleJson """{ "events": ["MotionDetected"] }""" """[ { "type": "webhook", "target": "a" } ]"""
        |> fun s -> s.Replace("\"R\"", "\"" + String('n', 500) + "\"")

    hasError "name" "the limit is 100" (errorsOf longName)

[<Fact>]
let ``a gpio pulse that feeds its own trigger is a cycle`` () =
    let r =
        parseOk (
            ruleJson
                """{ "events": ["DigitalOutputChanged"], "inputs": ["io1/out1"] }"""
                """[ { "type": "gpio", "output": "io1/out1", "pulseMs": 100 } ]"""
        )

    let errors = RuleValidation.validateAmong [ r ] r
    hasError "actions[0]" "r1 -> r1" errors
    // Another output does not reach the trigger.
    let other =
        { r with
            Actions = [ GpioPulse("io1/out2", 100) ]
        }

    Assert.Empty(RuleValidation.validateAmong [ other ] other)

[<Fact>]
let ``a cycle through two rules is reported on both, with the chain`` () =
    let a =
        parseOk
            """{ "id": "a", "name": "A", "trigger": { "events": ["DigitalOutputChanged"], "inputs": ["o/2"] }, "actions": [ { "type": "gpio", "output": "o/1", "pulseMs": 10 } ] }"""

    let b =
        parseOk
            """{ "id": "b", "name": "B", "trigger": { "events": ["DigitalOutputChanged"], "inputs": ["o/1"] }, "actions": [ { "type": "webhook", "target": "w" }, { "type": "gpio", "output": "o/2", "pulseMs": 10 } ] }"""

    let errors = RuleValidation.validateSet catalog [ a; b ]
    hasError "[0].actions[0]" "a -> b -> a" errors
    hasError "[1].actions[1]" "b -> a -> b" errors
    Assert.Equal(2, errors.Length)

[<Fact>]
let ``a rule triggered by the actions of rules loops through itself`` () =
    let r =
        parseOk (ruleJson """{ "events": ["RuleActionRequested"] }""" """[ { "type": "webhook", "target": "a" } ]""")

    hasError "actions[0]" "trigger this rule again" (RuleValidation.validateAmong [ r ] r)

[<Fact>]
let ``two rules with one id are refused`` () =
    let r = parseOk exampleJson
    hasError "[1].id" "used by another rule" (RuleValidation.validateSet catalog [ r; r ])

[<Fact>]
let ``a window crossing midnight belongs to the day it starts on`` () =
    let w =
        {
            Days = Set.ofList [ DayOfWeek.Monday ]
            FromMinute = 22 * 60
            ToMinute = 6 * 60
        }
    // 2026-03-02 is a Monday.
    Assert.True(Schedule.contains w (DateTime(2026, 3, 2, 23, 0, 0)))
    Assert.True(Schedule.contains w (DateTime(2026, 3, 3, 5, 59, 0)))
    Assert.False(Schedule.contains w (DateTime(2026, 3, 2, 5, 0, 0)))
    Assert.False(Schedule.contains w (DateTime(2026, 3, 3, 6, 0, 0)))
    Assert.False(Schedule.contains w (DateTime(2026, 3, 3, 22, 30, 0)))

    let allDay =
        {
            Days = Set.ofList [ DayOfWeek.Monday ]
            FromMinute = 0
            ToMinute = 1440
        }

    Assert.True(Schedule.contains allDay (DateTime(2026, 3, 2, 23, 59, 59)))

[<Fact>]
let ``debounce: a flapping input fires once per quiet start; cooldown holds the rule after firing`` () =
    let r =
        parseOk (
            ruleJson
                """{ "events": ["DigitalInputChanged"], "inputs": ["io1/in1"], "debounceMs": 1000, "cooldownMs": 5000 }"""
                """[ { "type": "webhook", "target": "a" } ]"""
        )

    let input = Some "io1/in1"

    let events =
        [
            event "1" "DigitalInputChanged" None input (Some true) "2026-03-02T10:00:00.000Z" // fires
            event "2" "DigitalInputChanged" None input (Some true) "2026-03-02T10:00:00.500Z" // debounced
            event "3" "DigitalInputChanged" None input (Some true) "2026-03-02T10:00:01.200Z" // debounced (0.7 s after #2)
            event "4" "DigitalInputChanged" None input (Some true) "2026-03-02T10:00:03.000Z" // quiet 1.8 s, but cooling down
            event "5" "DigitalInputChanged" None input (Some false) "2026-03-02T10:00:09.000Z" // inactive: filtered out
            event "6" "DigitalInputChanged" None (Some "io1/in2") (Some true) "2026-03-02T10:00:09.000Z" // other input
            event "7" "DigitalInputChanged" None input (Some true) "2026-03-02T10:00:09.500Z"
        ] // fires

    let report = DryRun.run [ r ] events
    let decisions = report.Outcomes |> List.map (fun o -> o.EventId, o.Decision)

    Assert.Equal<(string * Decision) list>(
        [ "1", Fired; "2", Debounced; "3", Debounced; "4", CoolingDown; "7", Fired ],
        decisions
    )

    Assert.Equal(2, report.Fired)
    Assert.Equal(3, report.Suppressed)
    Assert.Equal(7, report.EventsSeen)
    Assert.Equal<RuleAction list>([ Webhook "a" ], (report.Outcomes |> List.head).Actions)

[<Fact>]
let ``outside the schedule a matching event is reported and changes no memory`` () =
    let r =
        parseOk (
            ruleJson
                """{ "events": ["MotionDetected"], "cameras": ["lobby"], "schedule": [ { "days": ["mon"], "from": "08:00", "to": "09:00" } ], "cooldownMs": 60000 }"""
                """[ { "type": "snapshot" } ]"""
        )

    let e1 =
        event "1" "MotionDetected" (Some "lobby") None (Some true) "2026-03-02T07:59:00Z"

    let outcomes, state = RuleEngine.evaluate [ r ] EngineState.empty e1
    Assert.Equal(OutsideSchedule, (List.exactlyOne outcomes).Decision)
    Assert.Equal(EngineState.empty, state)

    let e2 =
        event "2" "MotionDetected" (Some "lobby") None (Some true) "2026-03-02T08:00:00Z"

    let outcomes2, _ = RuleEngine.evaluate [ r ] state e2
    Assert.Equal(Fired, (List.exactlyOne outcomes2).Decision)

    let e3 =
        event "3" "MotionDetected" (Some "door") None (Some true) "2026-03-02T08:00:00Z"

    Assert.Empty(fst (RuleEngine.evaluate [ r ] state e3))

[<Fact>]
let ``a disabled rule never matches, and retain forgets deleted rules`` () =
    let r =
        { parseOk exampleJson with
            Enabled = false
        }

    let e =
        event "1" "DigitalInputChanged" None (Some "io1/in1") (Some true) "2026-03-02T20:00:00Z"

    Assert.Empty(fst (RuleEngine.evaluate [ r ] EngineState.empty e))
    let enabled = { r with Enabled = true }
    let _, state = RuleEngine.evaluate [ enabled ] EngineState.empty e
    Assert.True(state.Rules.ContainsKey "door-alarm")
    Assert.False((RuleEngine.retain [] state).Rules.ContainsKey "door-alarm")
