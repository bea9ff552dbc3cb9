using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Plugins.Elasticsearch.Tests;

/// <summary>
/// The two Elasticsearch APIs the plugin calls, on loopback over HTTPS. Elasticsearch is not packaged for Debian and
/// no cluster may be reached from tests, so this peer follows the published reference instead
/// (https://www.elastic.co/guide/en/elasticsearch/reference/8.15/docs-bulk.html and .../indices-put-template.html):
/// <c>POST /_bulk</c> takes <c>application/x-ndjson</c> (or json), one action line (<c>index</c>, <c>create</c>,
/// <c>update</c>, <c>delete</c>) and, but for delete, one source line each, the body ending in a newline (else 400
/// "The bulk request must be terminated by a newline"); it answers 200 with <c>errors</c> and one item per action in
/// order: 201 created, 409 <c>version_conflict_engine_exception</c> for a <c>create</c> whose id exists, 400
/// <c>mapper_parsing_exception</c> (here: a document with a <c>poison</c> field), 429
/// <c>es_rejected_execution_exception</c> when told to. Bodies over the content limit get 413; an API key other than
/// the expected one gets 401 <c>security_exception</c>. <c>PUT /_index_template/{name}</c> needs
/// <c>index_patterns</c> and answers <c>{"acknowledged":true}</c>.
/// </summary>
public sealed class ElasticsearchPeer : IAsyncDisposable
{
    public const string ApiKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";

    private readonly WebApplication _server;
    private int _throttleFrom = int.MaxValue;
    private int _failRequests;

    private ElasticsearchPeer(WebApplication server, int port, string fingerprint)
    {
        _server = server;
        Port = port;
        CertificateSha256 = fingerprint;
    }

    public int Port { get; }
    public string CertificateSha256 { get; }

    /// <summary>Indexed documents by index, then id.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, JsonObject>> Indices { get; } = new();

    public ConcurrentDictionary<string, JsonObject> Templates { get; } = new();

    /// <summary>The status of every item answered, per request, in order.</summary>
    public ConcurrentQueue<int[]> BulkAnswers { get; } = new();

    public int MaxContentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>In the next bulk request, items from this index on get 429.</summary>
    public void ThrottleNextFrom(int item) => Volatile.Write(ref _throttleFrom, item);

    /// <summary>The next <paramref name="requests"/> bulk requests get 503.</summary>
    public void FailNext(int requests) => Volatile.Write(ref _failRequests, requests);

    public int DocumentCount => Indices.Values.Sum(i => i.Count);

    public static async Task<ElasticsearchPeer> StartAsync()
    {
        var certificate = LoopbackCertificate.Create("elasticsearch test");
        var port = FreePort.Tcp();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, port, l => l.UseHttps(certificate));
        });
        var app = builder.Build();
        var peer = new ElasticsearchPeer(app, port, LoopbackCertificate.Sha256(certificate));
        app.MapPut("/_index_template/{name}", (string name, HttpRequest r) => peer.PutTemplate(name, r));
        app.MapPost("/_bulk", (HttpRequest r) => peer.Bulk(r));
        await app.StartAsync();
        return peer;
    }

    private static IResult Error(int status, string type, string reason) =>
        Results.Json(new { error = new { root_cause = new[] { new { type, reason } }, type, reason }, status }, statusCode: status);

    private bool Authorized(HttpRequest request) => request.Headers.Authorization.ToString() == $"ApiKey {ApiKey}";

    private async Task<IResult> PutTemplate(string name, HttpRequest request)
    {
        if (!Authorized(request)) return Error(401, "security_exception", "unable to authenticate with provided credentials and anonymous access is not allowed for this request");
        var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        if (body?["index_patterns"] is not JsonArray patterns || patterns.Count == 0) return Error(400, "action_request_validation_exception", "Validation Failed: 1: index patterns are missing;");
        Templates[name] = body;
        return Results.Json(new { acknowledged = true });
    }

    private async Task<IResult> Bulk(HttpRequest request)
    {
        if (!Authorized(request)) return Error(401, "security_exception", "unable to authenticate with provided credentials and anonymous access is not allowed for this request");
        var type = request.ContentType ?? "";
        if (!type.StartsWith("application/x-ndjson", StringComparison.Ordinal) && !type.StartsWith("application/json", StringComparison.Ordinal))
            return Error(406, "media_type_header_exception", $"Content-Type header [{type}] is not supported");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        if (buffer.Length > MaxContentBytes) return Error(413, "content_too_long_exception", $"entity content is too long [{buffer.Length}] for the configured buffer limit [{MaxContentBytes}]");
        if (Interlocked.Decrement(ref _failRequests) >= 0) return Error(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/2/no master];");
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        if (!text.EndsWith('\n')) return Error(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
        var lines = text[..^1].Split('\n');
        var items = new List<object>();
        var statuses = new List<int>();
        var throttleFrom = Interlocked.Exchange(ref _throttleFrom, int.MaxValue);
        for (var i = 0; i < lines.Length; i++)
        {
            JsonObject? action;
            try
            {
                action = JsonNode.Parse(lines[i]) as JsonObject;
            }
            catch (JsonException)
            {
                return Error(400, "x_content_parse_exception", $"[{i + 1}:1] Unexpected character in action line");
            }
            if (action is null || action.Count != 1) return Error(400, "illegal_argument_exception", $"Malformed action/metadata line [{i + 1}], expected a simple object");
            var (verb, meta) = (action.First().Key, action.First().Value as JsonObject);
            if (verb is not ("index" or "create" or "update" or "delete")) return Error(400, "illegal_argument_exception", $"Malformed action/metadata line [{i + 1}], expected one of [create, delete, index, update] but found [{verb}]");
            var index = meta?["_index"]?.GetValue<string>();
            var id = meta?["_id"]?.GetValue<string>() ?? Guid.NewGuid().ToString("N");
            if (index is null) return Error(400, "action_request_validation_exception", "Validation Failed: 1: index is missing;");
            JsonObject? source = null;
            if (verb != "delete")
            {
                if (++i >= lines.Length) return Error(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
                try
                {
                    source = JsonNode.Parse(lines[i]) as JsonObject;
                }
                catch (JsonException)
                {
                    source = null;
                }
            }
            var n = items.Count;
            int status;
            object? error = null;
            var documents = Indices.GetOrAdd(index, _ => new());
            if (n >= throttleFrom)
                (status, error) = (429, new { type = "es_rejected_execution_exception", reason = "rejected execution of coordinating operation" });
            else if (source is null || source.ToJsonString().Contains("\"poison\"", StringComparison.Ordinal))
                (status, error) = (400, new { type = "mapper_parsing_exception", reason = "failed to parse field [data] of type [flattened]" });
            else if (verb == "create" && !documents.TryAdd(id, source))
                (status, error) = (409, new { type = "version_conflict_engine_exception", reason = $"[{id}]: version conflict, document already exists (current version [1])" });
            else
            {
                documents[id] = source;
                status = 201;
            }
            statuses.Add(status);
            items.Add(new Dictionary<string, object> { [verb] = error is null ? new { _index = index, _id = id, status, result = "created" } : new { _index = index, _id = id, status, error } });
        }
        BulkAnswers.Enqueue([.. statuses]);
        return Results.Json(new { took = 3, errors = statuses.Any(s => s >= 300), items });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
