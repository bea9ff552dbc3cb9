using System.Text.Json;
using Appliance.Abstractions;
using Appliance.CloudLink;

namespace Appliance.Host.Cloud.Commands;

/// <summary>Reading a command's <c>args</c>: each reader answers a <c>malformed</c> failure naming the argument.</summary>
public static class CommandArgs
{
    /// <summary>A string argument or null when it is absent or not a string.</summary>
    public static string? Text(CloudCommand command, string name) =>
        command.Args.ValueKind == JsonValueKind.Object && command.Args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A required string argument of 1 to <paramref name="maxLength"/> characters.</summary>
    public static Result<string> Required(CloudCommand command, string name, string what, int maxLength = 128) =>
        Text(command, name) is { Length: > 0 } text && text.Length <= maxLength
            ? text
            : new Failure("malformed", $"args.{name} must name {what} (1 to {maxLength} characters)");

    public static Result<JsonElement?> Json(object value) => (JsonElement?)JsonSerializer.SerializeToElement(value);
}
