/// Time windows of a rule's schedule: the text forms ("08:00", "mon") and whether a local time falls in a window.
module Appliance.Core.Rules.Schedule

open System

let private dayNames =
    [
        "mon", DayOfWeek.Monday
        "tue", DayOfWeek.Tuesday
        "wed", DayOfWeek.Wednesday
        "thu", DayOfWeek.Thursday
        "fri", DayOfWeek.Friday
        "sat", DayOfWeek.Saturday
        "sun", DayOfWeek.Sunday
    ]

/// The accepted day names, Monday first.
let dayNameList = dayNames |> List.map fst

let tryParseDay (s: string) =
    dayNames |> List.tryFind (fun (n, _) -> n = s) |> Option.map snd

let dayName (d: DayOfWeek) =
    dayNames |> List.find (fun (_, v) -> v = d) |> fst

/// "HH:MM" (24 h, two digits each) as minutes since midnight; "24:00" is accepted as the end of the day (1440).
let tryParseTime (s: string) : int option =
    let digit (c: char) = c >= '0' && c <= '9'

    if
        s.Length = 5
        && s.[2] = ':'
        && digit s.[0]
        && digit s.[1]
        && digit s.[3]
        && digit s.[4]
    then
        let h = int s.[0..1]
        let m = int s.[3..4]

        if h = 24 && m = 0 then Some 1440
        elif h < 24 && m < 60 then Some(h * 60 + m)
        else None
    else
        None

let formatTime (minute: int) = $"{minute / 60:D2}:{minute % 60:D2}"

/// True when `local` falls in the window. A window that crosses midnight belongs to the day it starts on:
/// mon 22:00-06:00 holds Monday 23:00 and Tuesday 05:00, not Monday 05:00.
let contains (w: TimeWindow) (local: DateTime) =
    let minute = local.Hour * 60 + local.Minute

    if w.FromMinute < w.ToMinute then
        w.Days.Contains local.DayOfWeek && minute >= w.FromMinute && minute < w.ToMinute
    else
        let yesterday = local.AddDays(-1.0).DayOfWeek

        (w.Days.Contains local.DayOfWeek && minute >= w.FromMinute)
        || (w.Days.Contains yesterday && minute < w.ToMinute)

/// True when the schedule allows `local` (an empty schedule always does).
let allows (schedule: TimeWindow list) (local: DateTime) =
    List.isEmpty schedule || schedule |> List.exists (fun w -> contains w local)
