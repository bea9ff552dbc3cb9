using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Appliance.Plugins.Shared;

/// <summary>
/// The accept loop of a plugin that receives other systems' connections (panels, registers): accepts on a declared
/// listening socket until cancelled; at most <c>maxConnections</c> at once (one more is handed to <c>refused</c>
/// and closed at accept); each connection is served on the thread pool by <c>serve</c>, which owns the socket and
/// reports its own failures. On the way out the listener is closed and the open connections are awaited. Shared source
/// (plugins/Shared/Tcp), compiled internal into the DMP and POS plugins.
/// </summary>
internal static class BoundedAcceptLoop
{
    public static async Task RunAsync(Socket listener, int maxConnections, Action<Socket> refused, Func<Socket, CancellationToken, Task> serve, CancellationToken ct)
    {
        var connections = new ConcurrentDictionary<Task, bool>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                if (connections.Count >= maxConnections)
                {
                    refused(socket);
                    socket.Dispose();
                    continue;
                }
                var task = Task.Run(() => serve(socket, ct), CancellationToken.None);
                connections[task] = true;
                _ = task.ContinueWith(t => connections.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        finally
        {
            listener.Dispose();
            await Task.WhenAll(connections.Keys.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default))).ConfigureAwait(false);
        }
    }
}
