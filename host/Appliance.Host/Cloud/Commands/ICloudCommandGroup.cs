using System.Text.Json;
using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.Host.Configuration;

namespace Appliance.Host.Cloud.Commands;

/// <summary>
/// A few related cloud commands and how they run. <see cref="CloudCommands"/> checks a command (envelope, allow-list,
/// replay) before it reaches a group; a group checks the command's own arguments and answers a <see cref="Failure"/>
/// with a code for anything it refuses, so nothing runs partly.
/// </summary>
public interface ICloudCommandGroup
{
    IReadOnlyList<string> Names { get; }

    Task<Result<JsonElement?>> RunAsync(CloudCommand command, CloudOptions options, CancellationToken ct);
}
