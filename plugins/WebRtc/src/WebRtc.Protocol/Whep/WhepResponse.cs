using System.Text;

namespace Appliance.Plugins.WebRtc.Protocol.Whep;

/// <summary>What a WHEP request is answered with: status, headers and an optional body with its content type.</summary>
public sealed record WhepResponse(int Status, IReadOnlyDictionary<string, string> Headers, string? ContentType, byte[]? Body)
{
    private static readonly Dictionary<string, string> None = new();

    public static WhepResponse Problem(int status, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, headers ?? None, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"));

    public static WhepResponse Empty(int status, IReadOnlyDictionary<string, string>? headers = null) => new(status, headers ?? None, null, null);
}
