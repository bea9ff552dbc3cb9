using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Plugin.Facade.Services;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Http;

/// <summary>
/// The facade's HTTP/1.1 listener on its declared port: one task per connection (at most <see cref="MaxConnections"/>;
/// more are closed at accept), keep-alive; the next request must arrive whole within <see cref="IdleTimeout"/> of the
/// previous answer (or of the accept), else the connection is closed (idle clients and slowloris alike). A connection fails alone: its error is logged, the
/// listener goes on.
/// </summary>
public sealed class FacadeListener(Socket listener, FacadeRequestHandler handler, Func<IPEndPoint, string> advertisedHost, int rtspPort,
    IPluginLogger log, TimeProvider time, TimeSpan? idleTimeout = null)
{
    public const int MaxConnections = 64;
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Task, byte> _connections = new();

    public int Port => ((IPEndPoint)listener.LocalEndPoint!).Port;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Socket socket;
                try { socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                catch (ObjectDisposedException) { break; }
                catch (SocketException ex)
                {
                    log.Warn("onvif facade: accept failed: {Error}", ex.Message);
                    continue;
                }
                if (_connections.Count >= MaxConnections)
                {
                    socket.Dispose();
                    continue;
                }
                var task = ServeAsync(socket, cancellationToken);
                _connections[task] = 0;
                _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        finally
        {
            listener.Dispose();
            await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            using var _ = socket;
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new HttpRequestReader(stream, FacadeRequestHandler.MaxEnvelopeBytes);
            var local = (IPEndPoint)socket.LocalEndPoint!;
            var endpoint = new FacadeEndpoint(advertisedHost(local), local.Port, rtspPort);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(idleTimeout ?? IdleTimeout);
                var request = await reader.ReadAsync(deadline.Token).ConfigureAwait(false);
                if (request is null) return;
                if (!request.Value.TryGetValue(out var r, out var failure))
                {
                    await HttpResponseWriter.WriteAsync(stream, HttpResponse.Text(HttpRequestReader.StatusFor(failure), failure.Message), false, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    return;
                }
                var response = await handler.HandleAsync(r, endpoint, cancellationToken).ConfigureAwait(false);
                await HttpResponseWriter.WriteAsync(stream, response, r.KeepAlive, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                if (!r.KeepAlive) return;
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        catch (SocketException) { }
        catch (Exception ex)
        {
            log.Error(ex, "onvif facade: a connection failed");
        }
    }
}
