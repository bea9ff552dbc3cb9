namespace Appliance.Core.Rules

open System

/// A daily time window on some days of the week, in the appliance's local time. `FromMinute` and `ToMinute` are
/// minutes since midnight (0..1439); `ToMinute < FromMinute` crosses midnight (22:00-06:00 runs from the named day
/// into the next). The window includes `FromMinute` and excludes `ToMinute`.
type TimeWindow =
    {
        Days: Set<DayOfWeek>
        FromMinute: int
        ToMinute: int
    }

/// Which state changes of an event with an `Active` flag (motion, tamper, digital input) match.
type ActiveState =
    | WhenActive
    | WhenInactive
    | EitherState

/// What starts a rule. Empty filter lists match anything; a non-empty list must contain the event's value.
type Trigger =
    {
        /// Event type names (`MotionDetected`, `DigitalInputChanged`, ...); at least one.
        EventTypes: string list
        Cameras: string list
        /// Motion regions (the `Source` of `MotionDetected`/`TamperDetected`).
        Regions: string list
        /// Digital inputs as `device/input`.
        Inputs: string list
        State: ActiveState
        /// Empty = always; otherwise the event must fall in one of the windows.
        Schedule: TimeWindow list
        /// A matching event fires only after this much quiet since the previous matching event of the same source
        /// (camera, region or input); every matching event restarts the quiet period. 0 = off.
        DebounceMs: int
        /// After the rule fired, it does not fire again for this long, whatever the source. 0 = off.
        CooldownMs: int
    }

/// What a rule does when it fires. Each action becomes one `RuleActionRequested` event that the integration plugin
/// for its kind consumes through its own durable subscription.
type RuleAction =
    /// An event or alarm in a video management system: `Target` names a configured VMS target (e.g. "milestone").
    | VmsEvent of target: string * message: string
    | Email of recipients: string list * subject: string
    /// A text message to phone numbers (E.164) through the site's SMS gateway.
    | Sms of recipients: string list * message: string
    /// `Target` names a configured webhook endpoint.
    | Webhook of target: string
    | MqttPublish of topic: string * payload: string
    /// Drives a digital output (`device/output`) for `PulseMs` milliseconds.
    | GpioPulse of output: string * pulseMs: int
    /// A snapshot of `Camera`, or of the triggering event's camera when None.
    | Snapshot of camera: string option
    /// A clip of `Camera` (the triggering event's camera when None) from `PreSeconds` before the event to `PostSeconds`
    /// after it, cut by the recording plugin without re-encoding once the post-event time has passed; exported to the
    /// configured object storage when `Export`.
    | Clip of camera: string option * preSeconds: int * postSeconds: int * export: bool * downscale: bool

type Rule =
    {
        /// Lower-case letters, digits and '-', 1..64 characters; unique.
        Id: string
        Name: string
        Enabled: bool
        Trigger: Trigger
        /// At least one, at most `RuleLimits.maxActions`.
        Actions: RuleAction list
    }

/// An error of a rule, with the JSON path of the offending value ("" for the whole document).
type RuleError = { Path: string; Message: string }

/// The facts of one event a rule can look at. The host fills it from an outbox envelope.
type RuleEvent =
    {
        /// The outbox event id (kept with each requested action so a delivery can be traced back).
        Id: string
        Type: string
        Camera: string option
        Region: string option
        /// `device/input` for digital inputs and outputs.
        Input: string option
        Active: bool option
        /// When it occurred (debounce and cooldown arithmetic).
        At: DateTimeOffset
        /// The same instant in the appliance's local time (schedules).
        Local: DateTime
    }

/// Debounce and cooldown memory of one rule.
type RuleMemory =
    {
        LastFired: DateTimeOffset option
        /// Last matching event per source key; entries older than the debounce period are forgotten.
        LastSeen: Map<string, DateTimeOffset>
    }

/// All the memory the evaluation needs, by rule id. Passed in and returned: evaluation keeps nothing.
type EngineState = { Rules: Map<string, RuleMemory> }

/// What one rule made of one event whose filters matched.
type Decision =
    | Fired
    | OutsideSchedule
    | Debounced
    | CoolingDown

type Outcome =
    {
        RuleId: string
        EventId: string
        Decision: Decision
        /// The actions to request (empty unless `Fired`).
        Actions: RuleAction list
    }

module RuleLimits =
    let maxIdLength = 64
    let maxNameLength = 100
    let maxFilterItems = 64
    let maxWindows = 32
    let maxActions = 16
    let maxRecipients = 20
    let maxTextLength = 500
    /// Debounce and cooldown at most one day.
    let maxPeriodMs = 86_400_000
    let maxPulseMs = 60_000
    /// A clip action's pre- and post-event seconds, each.
    let maxClipSideSeconds = 3_600
    let maxRules = 500

module EngineState =
    let empty = { Rules = Map.empty }
