using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Host.Plugins;
using Appliance.Host.Portal;

namespace Appliance.Host.Cameras;

/// <summary>
/// Calls a plugin's POST route in-process as the host (admin), the way the portal calls a plugin's page: the host may
/// not reference a plugin's assembly. Answers the status and the body (at most 64 KiB); <c>null</c> when the plugin
/// is not running; a <see cref="Failure"/> coded <paramref name="failedCode"/> when the route threw or timed out.
/// </summary>
public sealed class InProcessPluginCall(PluginRouteTable routes)
{
    private const int MaxAnswerBytes = 64 * 1024;

    public async Task<Result<(int Status, byte[] Body)>?> PostAsync(string pluginId, string path, object body, TimeSpan wait, string failedCode, CancellationToken ct)
    {
        if (!routes.TryMatch(pluginId, "POST", path, out var route, out var values) || route is null) return null;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var request = new PluginStreamRequest("POST", $"/plugins/{pluginId}/{path}", values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""),
            new Dictionary<string, string>(), new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
            bytes.Length, new MemoryStream(bytes), new PluginCaller("appliance.host", UserRole.Admin), null);
        using var answer = new CappedBuffer(MaxAnswerBytes);
        try
        {
            var response = await route.Handler(request, ct).WaitAsync(wait, ct);
            if (response.Body is not null) await response.Body(answer, ct);
            return Result<(int, byte[])>.Ok((response.StatusCode, answer.Written.ToArray()));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Result<(int, byte[])>.Fail(failedCode, $"the {pluginId} plugin's {path} route failed ({ex.GetType().Name})");
        }
    }
}
