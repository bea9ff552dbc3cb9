using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;

namespace Appliance.Isolation.Wire;

/// <summary>First frame of each side. The child also proves who it is: the host checks the pid against the
/// socket's peer credentials and the token against the one it put in the child's environment.</summary>
public sealed record Hello(int Protocol, string Role, int Pid, string PluginId, string Token);

/// <summary>The JSON payload of a Request or Notify frame: an operation name (<see cref="Ops"/>) and its arguments.</summary>
public sealed record Call(string Op, JsonElement Args);

/// <summary>The operations of protocol version 1. Child-to-host ones bridge <see cref="IPluginContext"/>; host-to-child
/// ones drive the plugin and deliver what it subscribed to.</summary>
public static class Ops
{
    // host -> child
    public const string Start = "plugin.start";
    public const string Stop = "plugin.stop";
    public const string DeliverEvent = "events.deliver";
    public const string HandleHttp = "http.request";
    public const string CamerasChanged = "cameras.changed";
    public const string StreamDescriptor = "streams.descriptor";

    // child -> host
    public const string Log = "log";
    public const string HealthReport = "health.report";
    public const string HealthClear = "health.clear";
    public const string PublishEvent = "events.publish";
    public const string Subscribe = "events.subscribe";
    public const string Unsubscribe = "events.unsubscribe";
    public const string MapRoute = "routes.map";
    /// <summary>HostApi 1.1 route (<see cref="HttpMapArgs"/>); its requests travel as HTTP frames.</summary>
    public const string MapHttp = "http.map";
    public const string AuthorizeSocket = "sockets.authorize";
    public const string SetStreamUri = "cameras.setStreamUri";
    public const string ReportStreamHealth = "cameras.reportStreamHealth";
    public const string StreamSubscribe = "streams.subscribe";
    public const string StreamUnsubscribe = "streams.unsubscribe";
    public const string StreamPublish = "streams.publish";
    public const string StreamUpdate = "streams.update";
    public const string StreamUnpublish = "streams.unpublish";
    public const string StreamList = "streams.list";
    /// <summary>How many subscribers a stream has on the host (<see cref="StreamNameArgs"/>; answers an integer).</summary>
    public const string StreamSubscribers = "streams.subscribers";
    public const string BackgroundCrashed = "background.crashed";
}

public sealed record StartArgs(string PluginId, JsonElement Config, string DataDirectory, IReadOnlyList<DeclaredPort> Declared, IReadOnlyList<CameraInfo> Cameras,
    string? HttpBasePath = null);

public sealed record LogArgs(PluginLogLevel Level, string Template, string?[] Args, string? Exception);

public sealed record HealthArgs(string Component, HealthState State, string Message);

public sealed record ComponentArgs(string Component);

public sealed record PublishEventArgs(string Type, JsonElement Data);

public sealed record SubscribeArgs(int Handle, string Subscription, IReadOnlyList<string> Types);

public sealed record HandleArgs(int Handle);

public sealed record DeliverEventArgs(int Handle, Appliance.Abstractions.Events.EventEnvelope Envelope);

public sealed record MapRouteArgs(int Handle, string Method, string Template);

public sealed record HttpRequestArgs(int Handle, string Method, string Path, Dictionary<string, string> RouteValues,
    Dictionary<string, string> Query, Dictionary<string, string> Headers, byte[] Body, string? User);

public sealed record HttpResponseArgs(int StatusCode, string ContentType, byte[] Body);

public sealed record SocketArgs(SocketTransport Transport, int Port);

public sealed record StreamUriArgs(string CameraId, string StreamUri);

public sealed record StreamHealthArgs(string CameraId, StreamHealth Health);

public sealed record CamerasArgs(IReadOnlyList<CameraInfo> Cameras);

/// <summary>Child asks for a stream; the host answers with the ring it writes the stream into.</summary>
public sealed record StreamSubscribeArgs(int Handle, string Name);

/// <summary>The ring of a stream: its file, the id used in RingTick frames, the current descriptor (if published).</summary>
public sealed record RingGrant(string Path, uint Ring, StreamDescriptor? Descriptor);

/// <summary>Child publishes a stream it writes into the ring at <see cref="Path"/>.</summary>
public sealed record StreamPublishArgs(int Handle, StreamDescriptor Descriptor, string Path, uint Ring);

public sealed record StreamNameArgs(string Name);

public sealed record StreamDescriptorArgs(int Handle, StreamDescriptor Descriptor);

public sealed record BackgroundCrashArgs(string Name, string Error);

/// <summary>JSON encoding of the payloads (web defaults, enums as strings).</summary>
public static class WireJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    public static byte[] Encode<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value, Options);

    /// <summary>Decodes a payload; malformed JSON or a wrong shape is a failure, never an exception.</summary>
    public static Result<T> Decode<T>(ReadOnlySpan<byte> payload, string what)
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(payload, Options);
            return value is null ? Result<T>.Fail("malformed", $"{what}: null") : Result<T>.Ok(value);
        }
        catch (JsonException ex)
        {
            return Result<T>.Fail("malformed", $"{what}: {ex.Message}");
        }
    }

    public static Result<T> Decode<T>(JsonElement element, string what)
    {
        try
        {
            var value = element.Deserialize<T>(Options);
            return value is null ? Result<T>.Fail("malformed", $"{what}: null") : Result<T>.Ok(value);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Result<T>.Fail("malformed", $"{what}: {ex.Message}");
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { MaxDepth = 64 };
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        return options;
    }
}

/// <summary>HostApi 1.1 operations (child -> host).</summary>
public static class Ops11
{
    public const string Settings = "settings.get";
    public const string SecretGet = "secrets.get";
    public const string SecretSet = "secrets.set";
    public const string SecretDelete = "secrets.delete";
    public const string SecretNames = "secrets.names";
    public const string VerifyPassword = "users.verifyPassword";
    public const string DigestHa1 = "users.digestHa1";
    public const string RegisterEventType = "namedEvents.register";
    public const string EventTypes = "namedEvents.types";
    public const string PublishNamed = "namedEvents.publish";
    public const string SubscribeNamed = "namedEvents.subscribe";
    public const string Metric = "metrics.record";
    public const string DataUse = "dataUse.record";
}

public sealed record SecretArgs(string Name, string? Value);

public sealed record PasswordArgs(string User, string Password);

public sealed record DigestArgs(string User, string Realm, Appliance.Abstractions.Services.DigestAlgorithm Algorithm);

public sealed record RegisterEventTypeArgs(string Type, Appliance.Abstractions.Events.EventCategory Category, string JsonSchema, string Description);

public sealed record PublishNamedArgs(string Type, JsonElement Data);

public sealed record SubscribeNamedArgs(int Handle, string Subscription, Appliance.Abstractions.Events.EventFilter Filter);

/// <summary>One metric update: kind counter|gauge|histogram, the metric's declaration and the value with its labels.</summary>
public sealed record MetricArgs(string Kind, string Name, string Help, string[] LabelNames, double[]? Buckets, double Value, string[] LabelValues);

/// <summary>Bytes an isolated plugin sent off the site in one data-use category (checked in the child, again in the host).</summary>
public sealed record DataUseArgs(string Category, long Bytes);

/// <summary>A result that is a value or a failure, carried in a Response (for calls whose failure is an answer, not an error).</summary>
public sealed record ResultArgs<T>(T? Value, Failure? Failure);
