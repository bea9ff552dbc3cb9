using System.Text.Json.Serialization;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>
/// A failure as <c>--json</c> prints it on stderr: <c>{"error": {"code": ..., "message": ..., "status": ...}}</c>.
/// The code is one of <see cref="Codes"/>; <c>status</c> is the appliance's HTTP status when it answered.
/// </summary>
public sealed record CliError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status = null)
{
    /// <summary>Every code an error object can carry (stable: scripts branch on them).</summary>
    public static readonly IReadOnlyList<string> Codes =
    [
        "usage", "failed", "unreachable", "invalid", "unauthorized", "forbidden", "not-found", "conflict", "too-large",
        "rate-limited", "server-error", "refused", "bad-answer", "cancelled", "io",
    ];

    public static CliError From(ApiException ex) => new(ApiCode(ex.Status), ex.Message, ex.Status);

    public static string ApiCode(int? status) => status switch
    {
        null => "unreachable",
        400 or 422 => "invalid",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        409 => "conflict",
        413 => "too-large",
        429 => "rate-limited",
        >= 500 => "server-error",
        < 300 => "bad-answer",
        _ => "refused",
    };

    public string ToJson() => JsonText.Serialize(new Envelope(this), indented: false);

    private sealed record Envelope([property: JsonPropertyName("error")] CliError Error);
}
