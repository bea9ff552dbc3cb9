/// Pending firewall changes: the line difference between the ruleset in force and the one that would be applied.
module Appliance.Core.Network.RulesetDiff

open System

type DiffLine =
    | Same of string
    | Added of string
    | Removed of string
    | Skipped of count: int

[<Literal>]
let maxLines = 4000

let private split (text: string) =
    if String.IsNullOrEmpty text then
        [||]
    else
        text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n')

/// Longest-common-subsequence table, filled from the end: lengths[i, j] = LCS of a[i..] and b[j..].
let private lcsLengths (a: string[]) (b: string[]) =
    let lengths = Array2D.zeroCreate (a.Length + 1) (b.Length + 1)

    for i in a.Length - 1 .. -1 .. 0 do
        for j in b.Length - 1 .. -1 .. 0 do
            lengths[i, j] <-
                if String.Equals(a[i], b[j], StringComparison.Ordinal) then
                    lengths[i + 1, j + 1] + 1
                else
                    max lengths[i + 1, j] lengths[i, j + 1]

    lengths

let private walk (a: string[]) (b: string[]) (lengths: int[,]) =
    let result = ResizeArray()
    let mutable i = 0
    let mutable j = 0

    while i < a.Length || j < b.Length do
        if
            i < a.Length
            && j < b.Length
            && String.Equals(a[i], b[j], StringComparison.Ordinal)
        then
            result.Add(Same a[i])
            i <- i + 1
            j <- j + 1
        elif i < a.Length && (j = b.Length || lengths[i + 1, j] >= lengths[i, j + 1]) then
            result.Add(Removed a[i])
            i <- i + 1
        else
            result.Add(Added b[j])
            j <- j + 1

    List.ofSeq result

let lines (before: string) (after: string) : DiffLine list =
    let a = split before
    let b = split after

    if a.Length > maxLines || b.Length > maxLines then
        [ yield! a |> Seq.map Removed; yield! b |> Seq.map Added ]
    else
        walk a b (lcsLengths a b)

let private isChange =
    function
    | Same _
    | Skipped _ -> false
    | Added _
    | Removed _ -> true

let changes (context: int) (diff: DiffLine list) : DiffLine list =
    let items = Array.ofList diff
    let changed = items |> Array.map isChange

    let near i =
        let from = max 0 (i - context)
        let until = min (items.Length - 1) (i + context)
        seq { from..until } |> Seq.exists (fun k -> changed[k])

    let result = ResizeArray()
    let mutable skipped = 0

    let flush () =
        if skipped > 0 then
            result.Add(Skipped skipped)
            skipped <- 0

    for i in 0 .. items.Length - 1 do
        if near i then
            flush ()
            result.Add items[i]
        else
            skipped <- skipped + 1

    flush ()
    List.ofSeq result

let counts (diff: DiffLine list) : int * int =
    diff
    |> List.fold
        (fun (added, removed) line ->
            match line with
            | Added _ -> added + 1, removed
            | Removed _ -> added, removed + 1
            | Same _
            | Skipped _ -> added, removed)
        (0, 0)
