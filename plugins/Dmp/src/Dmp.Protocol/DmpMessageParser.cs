using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Dmp.Protocol;

/// <summary>
/// Parses one frame (see <see cref="DmpFrameSplitter"/>) of the DMP Serial 3 network format:
/// <code>HHHHHHH AAAAA BODY</code>
/// a 7-character header, the account number right-justified in 5 characters, then a body: <c> s07...</c> (check-in),
/// <c> S71</c> (time request), or a 7-character qualifier block followed by <c>Z</c>, the definition letter and the
/// fields, each introduced by a backslash (<c>\t "BU\z 005"FRONT DOOR\a 01"MAIN\</c>). Sources: the README of this
/// plugin and the fixtures in its tests. Never throws on input: every refusal is a <see cref="Failure"/> naming what
/// was wrong (<c>truncated</c>, <c>malformed</c>).
/// </summary>
public static class DmpMessageParser
{
    public const int HeaderLength = 7;
    public const int AccountLength = 5;
    public const int QualifierLength = 7;
    public const int MaxFields = 16;

    public static Result<DmpMessage> Parse(ReadOnlySpan<byte> frame)
    {
        for (var i = 0; i < frame.Length; i++)
        {
            if (frame[i] is < 0x20 or > 0x7E)
                return Failure("malformed", $"byte 0x{frame[i]:X2} at offset {i} is not printable ASCII (a Serial 3 frame is text)");
        }
        var text = Encoding.ASCII.GetString(frame);
        if (text.Length < HeaderLength + AccountLength + 1)
            return Failure("truncated", $"{text.Length} characters: a frame needs a {HeaderLength}-character header, a {AccountLength}-character account and a body");
        var accountField = text.Substring(HeaderLength, AccountLength);
        var account = accountField.TrimStart(' ', '0');
        if (account.Length == 0 && accountField.Trim().Length > 0) account = "0";
        if (accountField.Trim().Length == 0 || !accountField.TrimStart(' ').All(char.IsAsciiDigit))
            return Failure("malformed", $"account field '{accountField}' is not a right-justified number");
        var header = text[..HeaderLength];
        var body = text[(HeaderLength + AccountLength)..];
        if (body.StartsWith(" s07", StringComparison.Ordinal))
            return new DmpMessage(header, account, accountField, DmpMessageKind.CheckIn, ' ', [], text);
        if (body.StartsWith(" S71", StringComparison.Ordinal))
            return new DmpMessage(header, account, accountField, DmpMessageKind.TimeRequest, ' ', [], text);
        if (body.Length < QualifierLength + 2)
            return Failure("truncated", $"body '{body}' ends before its event definition (Z and a letter after {QualifierLength} qualifier characters)");
        if (body[QualifierLength] != 'Z' || !char.IsAsciiLetterLower(body[QualifierLength + 1]))
            return Failure("malformed", $"no event definition: expected Z and a lower-case letter at offset {HeaderLength + AccountLength + QualifierLength}, found '{body.Substring(QualifierLength, 2)}'");
        var fields = ParseFields(body[(QualifierLength + 2)..]);
        return fields.IsOk
            ? new DmpMessage(header, account, accountField, DmpMessageKind.Event, body[QualifierLength + 1], fields.Value, text)
            : fields.Failure!;
    }

    private static Result<IReadOnlyList<DmpField>> ParseFields(string rest)
    {
        if (rest.Length == 0) return Result<IReadOnlyList<DmpField>>.Ok([]);
        if (rest[0] != '\\') return Failure("malformed", $"fields must start with a backslash, found '{rest[0]}'");
        var parts = rest.Split('\\', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > MaxFields) return Failure("malformed", $"{parts.Length} fields, more than the {MaxFields} a Serial 3 event has");
        var fields = new List<DmpField>(parts.Length);
        foreach (var part in parts)
        {
            if (part.Length < 2 || !char.IsAsciiLetterLower(part[0]) || part[1] != ' ')
                return Failure("malformed", $"field '{part}' is not a lower-case letter, a space and a value");
            var value = part[2..];
            var quote = value.IndexOf('"', StringComparison.Ordinal);
            fields.Add(quote < 0
                ? new DmpField(part[0], value.Trim(), "")
                : new DmpField(part[0], value[..quote].Trim(), value[(quote + 1)..].Trim()));
        }
        return fields;
    }

    private static Failure Failure(string code, string message) => new(code, message);
}
