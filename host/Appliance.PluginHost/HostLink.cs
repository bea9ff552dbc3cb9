using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Isolation.Bridge;
using Appliance.Isolation.Wire;

namespace Appliance.PluginHost;

/// <summary>Calls to the host, typed: a failed call becomes the exception the in-process context would throw.</summary>
internal sealed class HostLink(IsolationChannel channel)
{
    public IsolationChannel Channel => channel;

    public async Task<T> CallAsync<T>(string op, object args, CancellationToken cancellationToken = default)
    {
        var answer = await channel.RequestAsync(op, args, cancellationToken);
        if (!answer.TryGetValue(out var json, out var failure)) throw Raise(op, failure);
        var decoded = WireJson.Decode<T>(json, op);
        return decoded.IsOk ? decoded.Value : throw Raise(op, decoded.Failure!);
    }

    public Task CallAsync(string op, object args, CancellationToken cancellationToken = default) =>
        CallAsync<JsonElement>(op, args, cancellationToken);

    /// <summary>For the contract's synchronous members (Subscribe, Map, Publish...): the call runs on the thread pool, the
    /// channel's reader is another thread, so waiting here cannot deadlock the channel.</summary>
    public T Call<T>(string op, object args) => Task.Run(() => CallAsync<T>(op, args)).GetAwaiter().GetResult();

    public void Call(string op, object args) => Call<JsonElement>(op, args);

    /// <summary>A call whose failure is a <see cref="Result{T}"/> the plugin expects (e.g. user verification).</summary>
    public async Task<Result<T>> CallResultAsync<T>(string op, object args, CancellationToken cancellationToken = default)
    {
        var carried = await CallAsync<ResultArgs<T>>(op, args, cancellationToken);
        return carried.Failure is { } f ? Result<T>.Fail(f) : Result<T>.Ok(carried.Value!);
    }

    public void Notify(string op, object args) => _ = channel.NotifyAsync(op, args).AsTask();

    private static Exception Raise(string op, Failure failure) => failure.Code switch
    {
        "undeclared" => new UndeclaredPortException(failure.Message),
        "taken" => new InvalidOperationException(failure.Message),
        "invalid" => new ArgumentException(failure.Message),
        "unsupported" => new NotSupportedException(failure.Message),
        "closed" or "transport" => new IOException($"the host is gone ({op}): {failure.Message}"),
        _ => new InvalidOperationException($"{op}: {failure}"),
    };
}
