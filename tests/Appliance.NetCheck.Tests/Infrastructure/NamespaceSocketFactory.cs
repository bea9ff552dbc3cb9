using System.Net.Sockets;
using System.Runtime.InteropServices;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck.Tests.Infrastructure;

/// <summary>
/// Creates sockets inside a named network namespace: a dedicated thread joins the namespace with setns(2)
/// (which affects only that thread), creates the socket and ends. A socket stays in the namespace it was created in,
/// so every check run through this factory runs "from there".
/// </summary>
public sealed partial class NamespaceSocketFactory(string netns) : ISocketFactory
{
    private const int CloneNewNet = 0x40000000;

    public Socket Create(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{netns}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({netns}) failed: errno {Marshal.GetLastPInvokeError()}");
                }

                socket = new Socket(family, type, protocol);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"cannot create a socket in {netns}", failure);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
