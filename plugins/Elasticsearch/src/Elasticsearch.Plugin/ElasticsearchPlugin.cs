using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Elasticsearch.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Elasticsearch;

/// <summary>
/// Indexes events into Elasticsearch: one durable batch subscription (<c>index</c>) on the configured event types
/// (all by default) whose runs <see cref="BulkExporter"/> posts to <c>_bulk</c>. Without a host nothing is subscribed
/// (events are not queued for a cluster nobody configured).
/// </summary>
public sealed partial class ElasticsearchPlugin : IPlugin
{
    private HttpClient? _http;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex IndexName();

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var c = context.Config;
        var host = c.GetProperty("host").GetString() ?? "";
        if (host.Length == 0)
        {
            context.Health.Report("cluster", HealthState.Healthy, "no cluster configured: nothing is indexed");
            return Task.CompletedTask;
        }
        var endpoint = ElasticEndpoint.Create(host, c.GetProperty("port").GetInt32(), Text(c, "apiKey"), Text(c, "username"), Text(c, "password"),
            TimeSpan.FromSeconds(c.GetProperty("timeoutSeconds").GetInt32()));
        if (!endpoint.IsOk) throw new InvalidOperationException(endpoint.Failure!.Message);
        var prefix = c.GetProperty("indexPrefix").GetString() ?? "";
        if (!IndexName().IsMatch(prefix)) throw new InvalidOperationException($"indexPrefix: '{prefix}' is not a valid index name (lower-case letters, digits, '.', '_', '-'; not starting with '.', '_' or '-')");
        var pin = CertificatePin.Parse(c.GetProperty("certificateSha256").GetString());
        if (!pin.IsOk) throw new InvalidOperationException(pin.Failure!.Message);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (pin.Value is not null) handler.SslOptions.RemoteCertificateValidationCallback = pin.Value.Validation;
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var name = Text(c, "applianceName") ?? Environment.MachineName;
        var rejected = new RejectedDocuments(context.DataDirectory);
        var exporter = new BulkExporter(context, endpoint.Value, new ElasticClient(_http), prefix, name, c.GetProperty("maxRequestBytes").GetInt32(), rejected);
        var types = c.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString() ?? "").Where(t => t.Length > 0).ToList();
        context.Events.SubscribeBatch("index", types, c.GetProperty("batchSize").GetInt32(), exporter.ExportAsync);
        context.Http.Map("GET", "status", (_, _) => Task.FromResult(PluginStreamResponse.Json(JsonSerializer.Serialize(exporter.Status, JsonSerializerOptions.Web))));
        context.Http.Map("GET", "rejected", (_, _) => Task.FromResult(PluginStreamResponse.Json(rejected.Latest(100))));
        context.Health.Report("cluster", HealthState.Healthy, $"ready: {endpoint.Value.BaseUrl.GetLeftPart(UriPartial.Authority)} -> {prefix}-*{(pin.Value is null ? "" : " (certificate pinned)")}");
        return Task.CompletedTask;
    }

    private static string? Text(JsonElement config, string name) =>
        config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0 ? value.GetString() : null;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _http?.Dispose();
        _http = null;
        return Task.CompletedTask;
    }
}
