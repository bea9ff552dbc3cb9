namespace Appliance.NetCheck.Checks;

/// <summary>RFC 1123 host name syntax (letters, digits, hyphens; labels 1-63; total up to 253).</summary>
internal static class HostNames
{
    public static bool IsValid(string name)
    {
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        if (trimmed.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var label in trimmed.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static string Printable(string text) => Net.ResponseHead.Printable(text);
}
