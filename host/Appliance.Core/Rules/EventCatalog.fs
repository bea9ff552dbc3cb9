/// What the rules know about event types: which facts each carries, and which events actions themselves cause
/// (for finding rules that would trigger themselves).
module Appliance.Core.Rules.EventCatalog

/// The facts an event type carries that trigger filters can look at.
type EventShape =
    {
        HasCamera: bool
        HasRegion: bool
        HasInput: bool
        HasActive: bool
    }

let private shape camera region input active =
    {
        HasCamera = camera
        HasRegion = region
        HasInput = input
        HasActive = active
    }

/// The event published for every action of a fired rule.
[<Literal>]
let ActionRequested = "RuleActionRequested"

/// Published by an integration when it gives up on an action older than its age limit.
[<Literal>]
let ActionExpired = "RuleActionExpired"

/// Published by an integration after an action was delivered.
[<Literal>]
let ActionDelivered = "RuleActionDelivered"

/// The appliance's typed events (Appliance.Abstractions.Events) and what each carries. The host adds the event
/// types plugins publish without a typed record, with `unknownShape`.
let standard: Map<string, EventShape> =
    Map.ofList
        [
            "MotionDetected", shape true true false true
            "TamperDetected", shape true true false true
            "DigitalInputChanged", shape false false true true
            "DigitalOutputChanged", shape false false true true
            "CameraEventReceived", shape true true false false
            "CameraWentOnline", shape true false false false
            "CameraWentOffline", shape true false false false
            "StreamGapOccurred", shape true false false false
            "StreamHealthMeasured", shape true false false false
            "SnapshotTaken", shape true false false false
            "ReferenceImageTaken", shape true false false false
            "DeviceDiscovered", shape false false false false
            "DiscoveryRequested", shape false false false false
            "SystemHealthSampled", shape false false false false
            "PluginStateChanged", shape false false false false
            ActionRequested, shape true false false false
            ActionDelivered, shape true false false false
            ActionExpired, shape true false false false
        ]

/// A type known by name only: any filter may apply.
let unknownShape = shape true true true true

/// The event types an action causes, with the `device/output` key for GPIO (None = any key).
let outputs (action: RuleAction) : (string * string option) list =
    let common = [ ActionRequested, None; ActionDelivered, None; ActionExpired, None ]

    match action with
    | GpioPulse(output, _) -> common @ [ "DigitalOutputChanged", Some output ]
    | Snapshot _ -> common @ [ "SnapshotTaken", None ]
    | Clip _ -> common
    | VmsEvent _
    | Email _
    | Sms _
    | Webhook _
    | MqttPublish _ -> common

/// The short name of an action's kind, as in the JSON "type" field and the `RuleActionRequested.Kind`.
let kindName (action: RuleAction) =
    match action with
    | VmsEvent _ -> "vms"
    | Email _ -> "email"
    | Sms _ -> "sms"
    | Webhook _ -> "webhook"
    | MqttPublish _ -> "mqtt"
    | GpioPulse _ -> "gpio"
    | Snapshot _ -> "snapshot"
    | Clip _ -> "clip"
