module Appliance.Core.Rules.Schedule

/// The accepted day names, Monday first.
val dayNameList: string list

val tryParseDay: s: string -> System.DayOfWeek option

val dayName: d: System.DayOfWeek -> string

/// "HH:MM" (24 h, two digits each) as minutes since midnight; "24:00" is accepted as the end of the day (1440).
val tryParseTime: s: string -> int option

val formatTime: minute: int -> string

/// True when `local` falls in the window. A window that crosses midnight belongs to the day it starts on:
/// mon 22:00-06:00 holds Monday 23:00 and Tuesday 05:00, not Monday 05:00.
val contains: w: Appliance.Core.Rules.TimeWindow -> local: System.DateTime -> bool

/// True when the schedule allows `local` (an empty schedule always does).
val allows: schedule: Appliance.Core.Rules.TimeWindow list -> local: System.DateTime -> bool
