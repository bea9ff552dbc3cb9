namespace Appliance.Plugins.Dmp.Protocol;

/// <summary>What a panel frame carries.</summary>
public enum DmpMessageKind
{
    /// <summary>The panel's periodic network check-in (body <c> s07...</c>): it only proves the link.</summary>
    CheckIn,

    /// <summary>The panel asks the receiver for the time (body <c> S71</c>).</summary>
    TimeRequest,

    /// <summary>A Serial 3 event: a definition (<c>Za</c>, <c>Zq</c>...) and its fields.</summary>
    Event,
}

/// <summary>
/// One field of a Serial 3 event, after its backslash: a lower-case letter (<c>z</c> zone, <c>a</c> area, <c>u</c>
/// user, <c>t</c> type...), a space, then <c>number"name</c> (either part may be empty; the quote is optional).
/// </summary>
public sealed record DmpField(char Letter, string Number, string Name)
{
    /// <summary>The number as an integer when it is one (zone 005 -> 5).</summary>
    public int? NumberValue => int.TryParse(Number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>
/// A parsed panel frame: the 7-character connection header as received (receiver, line and sequence digits; kept
/// opaque), the account number without its padding, the kind, and for events the definition letter after
/// <c>Z</c> and the fields in order. <see cref="AccountField"/> is the account exactly as the panel sent it
/// (5 characters): the acknowledgement echoes it.
/// </summary>
public sealed record DmpMessage(string Header, string Account, string AccountField, DmpMessageKind Kind, char Definition, IReadOnlyList<DmpField> Fields, string Text)
{
    /// <summary>The first field with this letter, or null.</summary>
    public DmpField? Field(char letter) => Fields.FirstOrDefault(f => f.Letter == letter);

    /// <summary>The two-letter event code, e.g. <c>Za</c>; empty for check-ins and time requests.</summary>
    public string EventCode => Kind == DmpMessageKind.Event ? $"Z{Definition}" : "";
}
