using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>
/// One connection to the configured bus, opened on first use and opened again after it broke. Every call returns
/// a <see cref="Result{T}"/>: an error reply, a broken bus, a late reply or a reply of another signature is a
/// <see cref="Failure"/>; nothing the peer sends reaches the caller as an exception.
/// </summary>
public sealed class BusConnection(SystemBusOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private DBusConnection? _connection;
    private bool _disposed;

    public SystemBusOptions Options => options;

    public string Address => string.IsNullOrEmpty(options.Address) ? DBusAddress.System ?? "unix:path=/run/dbus/system_bus_socket" : options.Address;

    /// <summary>Calls a method and reads its reply with <paramref name="read"/> once its signature is <paramref name="replySignature"/>.</summary>
    public async Task<Result<T>> CallAsync<T>(MethodCall call, BodyWriter? body, string replySignature, Func<Reader, Result<T>> read, CancellationToken ct)
    {
        try
        {
            var connection = await ConnectAsync(ct).ConfigureAwait(false);
            if (!connection.IsOk) return Result<T>.Fail(connection.Failure!);
            var message = Build(connection.Value, call, body);
            var reply = connection.Value.CallMethodAsync(message, static (m, state) => ((Func<Message, Result<T>>)state!)(m),
                (Func<Message, Result<T>>)(m => ReadReply(call, m, replySignature, read)));
            return await reply.WaitAsync(options.CallTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (BusFailures.FromException(call, ex) is { } failure)
        {
            if (failure.Code == BusFailures.Transport) await DropAsync().ConfigureAwait(false);
            return Result<T>.Fail(failure);
        }
    }

    /// <summary>A call whose reply carries nothing (signature "").</summary>
    public Task<Result<bool>> CallAsync(MethodCall call, BodyWriter? body, CancellationToken ct) =>
        CallAsync(call, body, "", _ => Result<bool>.Ok(true), ct);

    /// <summary>
    /// Watches a signal (any sender; filtered by path, interface and member). <paramref name="handler"/> gets each
    /// signal whose signature is <paramref name="signature"/>, read by <paramref name="read"/>; others are dropped.
    /// </summary>
    public async Task<Result<IDisposable>> WatchSignalAsync<T>(string path, string @interface, string member, string signature,
        Func<Reader, T> read, Action<T> handler, CancellationToken ct)
    {
        var call = new MethodCall("", path, @interface, member);
        try
        {
            var connection = await ConnectAsync(ct).ConfigureAwait(false);
            if (!connection.IsOk) return Result<IDisposable>.Fail(connection.Failure!);
            var watch = await connection.Value.WatchSignalAsync<Result<T>>(null, path, @interface, member,
                (m, _) => m.SignatureAsString == signature ? Guarded(call, m, read) : Result<T>.Fail(BusFailures.Malformed, "signature"),
                (Notification<Result<T>> n) =>
                {
                    if (n.HasValue && n.Value.IsOk) handler(n.Value.Value);
                }, ObserverFlags.None, false, null).AsTask().WaitAsync(options.CallTimeout, ct).ConfigureAwait(false);
            return Result<IDisposable>.Ok(watch);
        }
        catch (Exception ex) when (BusFailures.FromException(call, ex) is { } failure)
        {
            return Result<IDisposable>.Fail(failure);
        }
    }

    private static Result<T> Guarded<T>(MethodCall call, Message message, Func<Reader, T> read)
    {
        try
        {
            return Result<T>.Ok(read(message.GetBodyReader()));
        }
        catch (Exception ex) when (ex is DBusReadException or DBusUnexpectedValueException or IndexOutOfRangeException or ArgumentException)
        {
            return Result<T>.Fail(BusFailures.Malformed, $"{call}: unreadable body: {ex.Message}");
        }
    }

    private static Result<T> ReadReply<T>(MethodCall call, Message message, string expected, Func<Reader, Result<T>> read)
    {
        var signature = message.SignatureAsString ?? "";
        if (signature != expected)
            return Result<T>.Fail(BusFailures.Malformed, $"{call}: the reply's signature is '{signature}', expected '{expected}'");
        try
        {
            return read(message.GetBodyReader());
        }
        catch (Exception ex) when (ex is DBusReadException or DBusUnexpectedValueException or IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            return Result<T>.Fail(BusFailures.Malformed, $"{call}: unreadable reply: {ex.Message}");
        }
    }

    private static MessageBuffer Build(DBusConnection connection, MethodCall call, BodyWriter? body)
    {
        // CreateMessage hands the writer's buffer to the message: the writer is disposed only when that did not happen.
        var writer = connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(call.Destination, call.Path, call.Interface, call.Member, call.Signature, MessageFlags.None);
            body?.Invoke(ref writer);
            return writer.CreateMessage();
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private async Task<Result<DBusConnection>> ConnectAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _connection) is { } existing) return existing;
        await _connecting.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_connection is { } raced) return raced;
            var connection = new DBusConnection(new DBusConnectionOptions(Address) { AutoConnect = false });
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(options.CallTimeout, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DBusExceptionBase or TimeoutException or IOException or System.Net.Sockets.SocketException or ArgumentException or NotSupportedException)
            {
                connection.Dispose();
                return Result<DBusConnection>.Fail(BusFailures.Transport, $"cannot connect to the bus at {Address}: {ex.Message}");
            }
            _connection = connection;
            _ = connection.DisconnectedAsync().ContinueWith(_ => Interlocked.CompareExchange(ref _connection, null, connection),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task DropAsync()
    {
        await _connecting.WaitAsync().ConfigureAwait(false);
        try
        {
            _connection?.Dispose();
            _connection = null;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        Interlocked.Exchange(ref _connection, null)?.Dispose();
        return ValueTask.CompletedTask;
    }
}
