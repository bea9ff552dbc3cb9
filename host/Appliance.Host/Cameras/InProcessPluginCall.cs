using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Host.Plugins;
using Appliance.Host.Portal;

namespace Appliance.Host.Cameras;

/// <summary>
/// Calls a plugin's route in-process as the host (admin), the way the portal calls a plugin's page: the host may
/// not reference a plugin's assembly. Answers the status and the body (at most 64 KiB); <c>null</c> when the plugin
/// is not running (or has no such route); a <see cref="Failure"/> coded <c>failedCode</c> when the route threw or timed out.
/// </summary>
public sealed class InProcessPluginCall(PluginRouteTable routes)
{
    private const int MaxAnswerBytes = 64 * 1024;

    /// <summary>POST with <paramref name="body"/> as JSON.</summary>
    public Task<Result<(int Status, byte[] Body)>?> PostAsync(string pluginId, string path, object body, TimeSpan wait, string failedCode, CancellationToken ct) =>
        SendAsync("POST", pluginId, path, body, wait, failedCode, ct);

    /// <summary><paramref name="method"/> (GET, DELETE, POST...) with <paramref name="body"/> as JSON when there is one.</summary>
    public async Task<Result<(int Status, byte[] Body)>?> SendAsync(string method, string pluginId, string path, object? body, TimeSpan wait, string failedCode, CancellationToken ct)
    {
        if (!routes.TryMatch(pluginId, method, path, out var route, out var values) || route is null) return null;
        var bytes = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (body is not null) headers["Content-Type"] = "application/json";
        var request = new PluginStreamRequest(method, $"/plugins/{pluginId}/{path}", values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""),
            new Dictionary<string, string>(), headers, bytes.Length, body is null ? Stream.Null : new MemoryStream(bytes),
            new PluginCaller("appliance.host", UserRole.Admin), null);
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
