using System.Text.Json;

namespace Appliance.CloudLink;

/// <summary>
/// A command from the fleet, as read from its envelope (docs/cloud-link.md):
/// <c>{"requestId": "...", "command": "plugin.restart", "args": {...}, "expiresAt": "...", "deviceId": "..."}</c>.
/// </summary>
public sealed record CloudCommand(string RequestId, string Name, JsonElement Args, DateTimeOffset? ExpiresAt);

/// <summary>A command as it arrived: its envelope's bytes and where its result goes.</summary>
public sealed record IncomingCommand(ReadOnlyMemory<byte> Payload, string? ResponseTopic, byte[]? CorrelationData);

/// <summary>The result of one command, published on the response topic (docs/cloud-link.md).</summary>
public sealed record CommandResult(string? RequestId, string? Command, string Status, string? Code, string? Message, JsonElement? Data, DateTimeOffset At)
{
    public static CommandResult Ok(CloudCommand command, JsonElement? data, DateTimeOffset at) =>
        new(command.RequestId, command.Name, "ok", null, null, data, at);

    public static CommandResult Error(string? requestId, string? command, string code, string message, DateTimeOffset at) =>
        new(requestId, command, "error", code, message, null, at);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, CloudJson.Options);
}

internal static class CloudJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
