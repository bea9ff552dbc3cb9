/// The firewall page's pending changes (issue 15 item 7): the line difference between the ruleset in force and the
/// compiled one, and the full notes (a `#` line is never shortened; an nft comment is cut at a word).
module Appliance.Firewall.Tests.Core.RulesetDiffTests

open System
open FsCheck.Xunit
open Xunit
open Appliance.Core.Network
open Appliance.Core.Network.RulesetDiff

let private text (lines: string list) = String.Join("\n", lines) + "\n"

/// The old text is the diff's kept and removed lines; the new text its kept and added lines.
let private sides diff =
    let before =
        diff
        |> List.choose (function
            | Same l
            | Removed l -> Some l
            | _ -> None)

    let after =
        diff
        |> List.choose (function
            | Same l
            | Added l -> Some l
            | _ -> None)

    before, after

[<Fact>]
let ``a changed port shows as one removed and one added line between unchanged ones`` () =
    let before = text [ "table inet appliance {"; "tcp dport 554 accept"; "}" ]
    let after = text [ "table inet appliance {"; "tcp dport 8554 accept"; "}" ]

    Assert.Equal<DiffLine list>(
        [
            Same "table inet appliance {"
            Removed "tcp dport 554 accept"
            Added "tcp dport 8554 accept"
            Same "}"
        ],
        lines before after
    )

[<Fact>]
let ``nothing in force means every line is added, and equal rulesets have no change`` () =
    let ruleset = text [ "a"; "b" ]
    Assert.Equal<DiffLine list>([ Added "a"; Added "b" ], lines "" ruleset)
    Assert.Equal((0, 0), counts (lines ruleset ruleset))
    Assert.Equal<DiffLine list>([ Skipped 2 ], changes 3 (lines ruleset ruleset))

[<Fact>]
let ``CRLF and LF line ends compare equal`` () =
    Assert.Equal((0, 0), counts (lines "a\r\nb\r\n" "a\nb\n"))

[<Fact>]
let ``changes keep the context lines around each change and count what they skip`` () =
    let before = [ for i in 1..20 -> $"line {i}" ]
    let after = before |> List.map (fun l -> if l = "line 10" then "line ten" else l)
    let shown = changes 2 (lines (text before) (text after))

    Assert.Equal<DiffLine list>(
        [
            Skipped 7
            Same "line 8"
            Same "line 9"
            Removed "line 10"
            Added "line ten"
            Same "line 11"
            Same "line 12"
            Skipped 8
        ],
        shown
    )

[<Fact>]
let ``an oversized ruleset is compared as a whole, in linear time`` () =
    let big = text [ for i in 1 .. maxLines + 1 -> $"rule {i}" ]
    let diff = lines big big
    Assert.Equal((maxLines + 1, maxLines + 1), counts diff)

[<Property(MaxTest = 200)>]
let ``the difference rebuilds both sides`` (before: (string | null) list) (after: (string | null) list) =
    // Lines as a ruleset has them: no line breaks inside, none empty (trailing empty lines are not compared).
    let clean =
        List.map (fun (s: string | null) ->
            "x"
            + (match s with
               | null -> ""
               | v -> v)
                .Replace("\r", "")
                .Replace("\n", " "))

    let textOf l = if List.isEmpty l then "" else text l
    let b = clean before
    let a = clean after
    sides (lines (textOf b) (textOf a)) = (b, a)

[<Fact>]
let ``a long nft comment is cut at a word, a long note is kept whole`` () =
    let purpose = String.replicate 12 "camera stream " + "for the lobby"
    let comment = Firewall.sanitizeComment purpose
    Assert.True(comment.Length <= 128)
    Assert.EndsWith("...", comment)
    let kept = comment.Substring(0, comment.Length - 3)
    Assert.True(purpose.StartsWith(kept + " ", StringComparison.Ordinal), $"cut mid-word: {comment}")
    Assert.Equal("a'b/c?", Firewall.sanitizeText "a\"b\\c\u00e9")
