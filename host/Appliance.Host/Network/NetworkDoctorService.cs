using System.Net;
using System.Security.Cryptography.X509Certificates;
using Appliance.Core.Manifest;
using Appliance.Core.Network;
using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Appliance.NetCheck;
using Appliance.NetCheck.Checks;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Network;

/// <summary>
/// Runs the network doctor against what this appliance needs: the FQDNs and TLS endpoints of its footprint, a TCP
/// connect to each peer a plugin's configuration names (targetsKey, fqdnKey) that is not already a TLS endpoint,
/// the configured STUN/NTP/proxy/content-filter targets, and every configured camera.
/// </summary>
public sealed class NetworkDoctorService(IOptions<ApplianceOptions> options, PluginManager plugins, CameraStore cameras, Health.HealthRegistry health, CameraProbe probe, DoctorRunProgress progress, TimeProvider time)
{
    public NetworkDoctorSettings Settings()
    {
        var network = options.Value.Network;
        var doctor = network.Doctor;
        var footprint = plugins.Footprint();
        var fqdns = footprint.Select(e => ManifestFacade.Fqdn(e.Entry))
            .OfType<string>().Where(name => !IPAddress.TryParse(name, out _))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var tls = footprint
            .Where(e => e.Entry.Direction.IsOutbound && e.Entry.Transport.IsTcp && ManifestFacade.Fqdn(e.Entry) is not null)
            .Select(e => (Host: ManifestFacade.Fqdn(e.Entry)!, Port: Appliance.Host.Plugins.ManifestAdapter.Range(e.Entry.Port).First, e.Entry.Purpose))
            .Where(t => t.Port is 443 or 8883 || t.Port == network.CloudMqttPort)
            .Select(t => new CloudEndpoint(t.Host, t.Port, t.Purpose))
            .Concat(doctor.CloudEndpoints.Select(text => ParseHostPort(text, 443)).Select(h => new CloudEndpoint(h.Host, h.Port, "configured endpoint")))
            .DistinctBy(c => (c.Host.ToLowerInvariant(), c.Port))
            .ToList();
        var tcpTargets = footprint
            .Where(e => e.Entry.Direction.IsOutbound && e.Entry.Transport.IsTcp && ManifestFacade.PeerFromConfig(e.Entry))
            .Select(e => (Entry: e.Entry, Host: ManifestFacade.Fqdn(e.Entry)))
            .Where(e => e.Host is not null)
            .Select(e => new TcpTarget(e.Host!, Appliance.Host.Plugins.ManifestAdapter.Range(e.Entry.Port).First, e.Entry.Purpose))
            .Where(t => !tls.Any(c => c.Port == t.Port && string.Equals(c.Host, t.Host, StringComparison.OrdinalIgnoreCase)))
            .DistinctBy(t => (t.Host.ToLowerInvariant(), t.Port))
            .ToList();
        var ntp = doctor.NtpServer is { } n ? ParseHostPort(n, 123) : network.EffectiveNtpServers.Count > 0 ? new HostPort(network.EffectiveNtpServers[0], 123) : null;
        return new NetworkDoctorSettings
        {
            Fqdns = fqdns,
            DnsServer = doctor.DnsServer is { } dns ? IPEndPoint.Parse(dns.Contains(':') ? dns : dns + ":53") : null,
            CloudEndpoints = tls,
            TcpTargets = tcpTargets,
            StunServer = doctor.StunServer is { } stun ? ParseHostPort(stun, 3478) : null,
            NtpServer = ntp,
            Proxy = network.Proxy is { } proxy ? ParseHostPort(proxy, 3128) : null,
            ContentFilter = doctor.ContentFilterUrl is { } url ? new ContentFilterSettings(new Uri(url), TimeSpan.FromSeconds(doctor.ContentFilterSeconds)) : null,
            Cameras = cameras.List().Where(c => c.Enabled)
                .Select(c => new CameraTarget(c.Name, Uri.TryCreate(c.StreamUri, UriKind.Absolute, out var r) ? r : null, Uri.TryCreate(c.OnvifUri, UriKind.Absolute, out var o) ? o : null))
                .ToList(),
            PerCheckTimeout = TimeSpan.FromSeconds(doctor.PerCheckTimeoutSeconds),
        };
    }

    /// <summary>
    /// Every check, those of targets only optional features need marked <see cref="CheckResult.Optional"/>
    /// (<see cref="OptionalChecks"/>); a firewall that failed closed comes first, as a failure with its reason.
    /// </summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken ct)
    {
        var results = OptionalChecks.Mark(await RunAsync(Settings(), progress, ct), plugins.Footprint());
        var firewall = health.All().FirstOrDefault(h => h.Owner == FirewallService.HealthOwner && h.Report.Component == FirewallService.HealthComponent);
        if (firewall is { Report.State: Appliance.Abstractions.HealthState.Unhealthy })
            results = [new CheckResult("firewall", "inet appliance", CheckStatus.Fail, null, firewall.Report.Message,
                "Fix appliance.network.firewall.zones (see the firewall page's errors); until then only the management ports are open, from management sources."), .. results];
        return results;
    }

    /// <summary>
    /// Tests one camera: its stream played to a keyframe by the RTSP plugin's probe (<see cref="CameraProbe"/>; RTSP
    /// OPTIONS as well when that plugin is not running) and ONVIF GetSystemDateAndTime on its device address, reported
    /// in the appliance's words (<see cref="Cameras.CameraTestWording"/>, <see cref="CameraProbeWording"/>). What a
    /// successful probe found is kept with the camera.
    /// </summary>
    public async Task<IReadOnlyList<CheckResult>> TestCameraAsync(Appliance.Abstractions.CameraInfo camera, CancellationToken ct)
    {
        var all = Settings();
        var rtsp = Uri.TryCreate(camera.StreamUri, UriKind.Absolute, out var r) ? r : null;
        var started = time.GetTimestamp();
        Appliance.Abstractions.Result<StreamProof>? proof = rtsp is null ? null : (Appliance.Abstractions.Result<StreamProof>?)await probe.ProveAsync(camera, ct);
        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        var optionsToo = proof is { IsOk: false } notRun && notRun.Failure!.Code == CameraProbe.Unavailable;
        var target = new CameraTarget(camera.Name, optionsToo ? rtsp : null,
            Uri.TryCreate(camera.OnvifUri, UriKind.Absolute, out var onvif) ? onvif : null);
        var results = Cameras.CameraTestWording.Reword(await RunAsync(new NetworkDoctorSettings { DnsServer = all.DnsServer, Cameras = [target], PerCheckTimeout = all.PerCheckTimeout }, null, ct));
        if (proof is not { } done) return results;
        if (done.TryGetValue(out var facts, out _)) cameras.RecordProof(camera.Id, facts);
        return [CameraProbeWording.Check(camera, done, elapsed), .. results];
    }

    /// <summary>Runs the checks of <paramref name="settings"/>; a whole doctor run reports each finished check to <paramref name="report"/>.</summary>
    private async Task<IReadOnlyList<CheckResult>> RunAsync(NetworkDoctorSettings settings, DoctorRunProgress? report, CancellationToken ct)
    {
        var environment = NetCheckEnvironment.Default;
        if (options.Value.Network.Doctor.TrustedCaFile is { } ca)
        {
            var anchors = new X509Certificate2Collection();
            anchors.ImportFromPemFile(ca);
            environment = environment with { Trust = TlsTrust.CustomAnchors(anchors) };
        }
        var doctor = new NetworkDoctor(settings, environment);
        var checks = doctor.PlanChecks();
        if (report is null) return await doctor.RunAsync(checks, null, ct);
        var run = report.Begin(checks.Count);
        try
        {
            return await doctor.RunAsync(checks, run.Finished, ct);
        }
        finally
        {
            run.End();
        }
    }

    private static HostPort ParseHostPort(string text, int defaultPort)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text[(colon + 1)..], out var port) && !text.EndsWith(']')
            ? new HostPort(text[..colon].Trim('[', ']'), port)
            : new HostPort(text.Trim('[', ']'), defaultPort);
    }
}
