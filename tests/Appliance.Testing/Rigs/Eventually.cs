using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Appliance.Testing;

/// <summary>
/// The one polling helper: waits until a condition holds or a deadline passes (generous defaults, for a loaded 2-core
/// machine). <c>UntilAsync</c> throws a <see cref="TimeoutException"/> naming what was awaited (and the diagnostics,
/// e.g. a peer's log); <c>HoldsWithinAsync</c> answers whether it held, for tests that assert with their own message.
/// A condition that throws counts as "not yet" (a peer not listening, a JSON answer without the field yet); if it still
/// throws when the time is up, that exception is the cause of the failure, so nothing is hidden.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null, TimeSpan? interval = null)
        => UntilAsync(() => Task.FromResult(condition()), what, timeout, diagnostics, interval);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null, TimeSpan? interval = null)
    {
        var (held, last) = await PollAsync(condition, timeout ?? DefaultTimeout, interval ?? DefaultInterval);
        if (!held)
        {
            throw new TimeoutException($"{what} did not happen within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s. {diagnostics?.Invoke()}", last);
        }
    }

    /// <summary>Reads until <paramref name="done"/> holds for the value read, or the time is up; returns the last value read either way.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(interval ?? DefaultInterval);
            value = await read();
        }

        return value;
    }

    /// <summary>
    /// The same for a value read without waiting (a field, a snapshot of a collection). Named apart from
    /// <c>UntilAsync</c> so that an async read never binds to it (a Task is a value too).
    /// </summary>
    public static Task<T> ReadUntilAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan? timeout = null, TimeSpan? interval = null)
        => UntilAsync(() => Task.FromResult(read()), done, timeout, interval);

    /// <summary>
    /// Reads until <paramref name="done"/> holds for the value read and returns it; when the time is up, throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/>, the last value read and the diagnostics.
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null, TimeSpan? interval = null)
    {
        var value = await UntilAsync(read, done, timeout, interval);
        if (!done(value))
        {
            throw new TimeoutException($"{what} did not happen within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s; last value: {value}. {diagnostics?.Invoke()}");
        }

        return value;
    }

    public static Task<bool> HoldsWithinAsync(Func<bool> condition, TimeSpan? timeout = null, TimeSpan? interval = null)
        => HoldsWithinAsync(() => Task.FromResult(condition()), timeout, interval);

    public static async Task<bool> HoldsWithinAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var (held, last) = await PollAsync(condition, timeout ?? DefaultTimeout, interval ?? DefaultInterval);
        if (last is not null)
        {
            ExceptionDispatchInfo.Throw(last);
        }

        return held;
    }

    /// <summary>Until a TCP connection to <paramref name="address"/>:<paramref name="port"/> succeeds.</summary>
    public static Task TcpListeningAsync(IPAddress address, int port, Func<string>? diagnostics = null, TimeSpan? timeout = null)
        => UntilAsync(async () =>
        {
            using var client = new TcpClient();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(address, port, cts.Token);
            return true;
        }, $"TCP {address}:{port} listening", timeout, diagnostics);

    private static async Task<(bool Held, Exception? Last)> PollAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return (true, null);
                }

                last = null;
            }
            catch (Exception ex)
            {
                last = ex;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return (false, last);
            }

            await Task.Delay(interval);
        }
    }
}
