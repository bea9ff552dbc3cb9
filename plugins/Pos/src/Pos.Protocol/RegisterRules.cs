using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Abstractions;

namespace Appliance.Plugins.Pos.Protocol;

/// <summary>
/// How one register's receipts read: regular expressions for the first line of a transaction (<see cref="Start"/>;
/// null: any line after the previous transaction starts one), its last line (<see cref="End"/>; a paper cut ends one
/// too when <see cref="CutEnds"/>), a line item (groups <c>description</c> and <c>amount</c>), the total (group
/// <c>amount</c>), a void, a refund (group <c>amount</c>), a no-sale, and the cashier (group <c>cashier</c>).
/// <see cref="MaxLines"/> caps a transaction that never ends. Patterns run case-insensitively with a time limit.
/// </summary>
public sealed record RegisterRules(
    Regex? Start,
    Regex? End,
    Regex? Item,
    Regex? Total,
    Regex? Void,
    Regex? Refund,
    Regex? NoSale,
    Regex? Cashier,
    int MaxLines,
    bool CutEnds)
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Compiles the patterns (null or empty: not used); every bad pattern is reported with its name.</summary>
    public static Result<RegisterRules> Create(IReadOnlyDictionary<string, string?> patterns, int maxLines, bool cutEnds, string path = "rules")
    {
        var errors = new List<string>();
        Regex? Get(string name)
        {
            if (!patterns.TryGetValue(name, out var text) || string.IsNullOrEmpty(text)) return null;
            try
            {
                return new Regex(text, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
            }
            catch (ArgumentException e)
            {
                errors.Add($"{path}.{name}: {e.Message}");
                return null;
            }
        }
        var rules = new RegisterRules(Get("start"), Get("end"), Get("item"), Get("total"), Get("void"), Get("refund"), Get("noSale"), Get("cashier"), maxLines, cutEnds);
        foreach (var (name, group) in new[] { ("item", "amount"), ("total", "amount"), ("refund", "amount"), ("cashier", "cashier") })
        {
            var regex = name switch { "item" => rules.Item, "total" => rules.Total, "refund" => rules.Refund, _ => rules.Cashier };
            if (regex is not null && Array.IndexOf(regex.GetGroupNames(), group) < 0) errors.Add($"{path}.{name}: needs a named group ({group})");
        }
        if (maxLines < 1) errors.Add($"{path}.maxLines: at least 1");
        return errors.Count > 0 ? Failure.Invalid(errors) : rules;
    }

    /// <summary>An amount as receipts print it: <c>12.50</c>, <c>-3.00</c>, <c>3.00-</c>, <c>$1,234.56</c>, <c>(2.00)</c>.</summary>
    public static decimal? Amount(string text)
    {
        var t = text.Trim();
        var negative = false;
        if (t.StartsWith('(') && t.EndsWith(')')) (t, negative) = (t[1..^1], true);
        if (t.EndsWith('-')) (t, negative) = (t[..^1], true);
        if (t.StartsWith('-')) (t, negative) = (t[1..], true);
        t = new string(t.Where(c => char.IsAsciiDigit(c) || c == '.').ToArray());
        return decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? (negative ? -value : value) : null;
    }
}
