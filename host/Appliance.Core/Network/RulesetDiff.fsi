/// Pending firewall changes: the line difference between the ruleset in force and the one that would be applied.
module Appliance.Core.Network.RulesetDiff

/// One line of the difference.
type DiffLine =
    | Same of string
    | Added of string
    | Removed of string
    /// Unchanged lines left out by `changes`.
    | Skipped of count: int

/// Line difference (longest common subsequence) from `before` to `after`; line ends CRLF or LF. Inputs beyond
/// `maxLines` lines on either side are compared as a whole (every old line removed, every new line added) so a hostile
/// or huge input costs linear time.
val lines: before: string -> after: string -> DiffLine list

/// The limit of `lines` for a line-by-line comparison.
[<Literal>]
val maxLines: int = 4000

/// Only the changed lines with `context` unchanged lines around each change (`Skipped` marks what is left out).
val changes: context: int -> diff: DiffLine list -> DiffLine list

/// Number of added and removed lines.
val counts: diff: DiffLine list -> added: int * removed: int
