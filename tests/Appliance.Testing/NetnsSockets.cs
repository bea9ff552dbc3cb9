using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Appliance.Testing;

/// <summary>
/// Creates sockets inside a named network namespace (<c>/var/run/netns/NAME</c>): a dedicated thread enters it
/// with setns(2), and a socket keeps the namespace it was created in. Lets a test talk to a host process it
/// started inside a namespace, without any address outside that namespace.
/// </summary>
public static partial class NetnsSockets
{
    private const int CloneNewNet = 0x40000000;

    public static T Run<T>(string netns, Func<T> create)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{netns}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new InvalidOperationException($"setns({netns}) failed: errno {Marshal.GetLastPInvokeError()}");
                result = create();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        })
        { IsBackground = true, Name = "netns " + netns };
        thread.Start();
        thread.Join();
        return error is null ? result! : throw new InvalidOperationException($"in network namespace {netns}: {error.Message}", error);
    }

    /// <summary>A connect callback for <see cref="SocketsHttpHandler"/> whose sockets live in <paramref name="netns"/>.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectIn(string netns) => async (context, ct) =>
    {
        var socket = Run(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint.Host == "localhost" ? new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port) : context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
