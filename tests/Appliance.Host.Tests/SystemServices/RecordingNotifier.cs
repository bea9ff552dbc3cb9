using Microsoft.Extensions.Hosting.Systemd;

namespace Appliance.Host.Tests.SystemServices;

/// <summary>A systemd notifier that keeps what it was told (in-process tests; the real socket is <see cref="NotifySocketListener"/>).</summary>
public sealed class RecordingNotifier(bool enabled = true) : ISystemdNotifier
{
    public List<string> Sent { get; } = [];

    public bool IsEnabled => enabled;

    public void Notify(ServiceState state) => Sent.Add(state.ToString());
}
