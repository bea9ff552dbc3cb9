using System.Net;

namespace Appliance.Testing;

/// <summary>
/// A small web server of a test's own on 127.0.0.1 (HttpListener, the given port or a free one): each request is
/// handed to <c>handle</c> on the thread pool, which answers it and catches its own errors. Disposing stops it.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle, int? port = null)
    {
        _handle = handle;
        Port = port ?? FreePort.Tcp();
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>The server's root, <c>http://127.0.0.1:{port}/</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}/";

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => _handle(context));
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
