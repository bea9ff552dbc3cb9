using System.Net;
using System.Security.Cryptography.X509Certificates;
using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.CloudLink.Provisioning;
using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Cloud;

/// <summary>
/// Keeps the device certificate: with none, enrols the device's key at the fleet's EST server with the one-time token
/// (<c>cloud.enrolment</c>); with one that expires within <c>cloud.renewBeforeDays</c>, re-enrols with itself. Each new
/// certificate is installed (<see cref="CloudIdentity.Install"/>) and the link restarted with it. Checked at start and
/// every <c>cloud.provisioningCheckMinutes</c>, sooner when the server asked to come back (202 Retry-After). Its state
/// is the host health component <c>cloud-identity</c>.
/// </summary>
public sealed class ProvisioningService(
    IOptions<ApplianceOptions> options,
    CloudIdentity identity,
    CloudLinkService link,
    ProvisioningFile.ImportOutcome provisioningFile,
    HealthRegistry health,
    TimeProvider time,
    ILogger<ProvisioningService> log) : BackgroundService
{
    private const string Owner = "host";
    private const string Component = "cloud-identity";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (provisioningFile.Problem is { } bad)
            health.Report(Owner, "cloud-provisioning-file", HealthState.Degraded, $"provisioning file not imported: {bad.Message}");
        else if (provisioningFile.Imported is { } imported)
            health.Report(Owner, "cloud-provisioning-file", HealthState.Healthy, $"imported {imported}");
        var cloud = options.Value.Cloud;
        if (!cloud.Enabled) return;
        var every = TimeSpan.FromMinutes(Math.Clamp(cloud.ProvisioningCheckMinutes, 0.01, 24 * 60));
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan? sooner;
            try
            {
                sooner = await CheckAsync(cloud, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(sooner is { } s && s < every ? s : every, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One look at the certificate; returns how soon to look again when the server asked for a wait.</summary>
    internal async Task<TimeSpan?> CheckAsync(CloudOptions cloud, CancellationToken ct)
    {
        using var current = identity.Current();
        var now = time.GetUtcNow();
        var renewAt = current?.NotAfter.ToUniversalTime() - TimeSpan.FromDays(Math.Max(0, cloud.RenewBeforeDays));
        if (current is not null && current.NotAfter.ToUniversalTime() > now && renewAt > now)
        {
            health.Report(Owner, Component, HealthState.Healthy, $"device certificate valid until {current.NotAfter.ToUniversalTime():u}, renewed from {renewAt:u}");
            return null;
        }
        if (!EstClient.BaseOf(cloud.Enrolment.Url).TryGetValue(out var est, out var noEst))
        {
            health.Report(Owner, Component, HealthState.Degraded, current is null
                ? "no device certificate: set cloud.enrolment or upload one for the request at GET /api/v1/cloud/csr"
                : $"the device certificate expires {current.NotAfter.ToUniversalTime():u} and cannot renew itself ({noEst.Message}); upload a new one");
            return null;
        }
        var renewing = current is not null && current.NotAfter.ToUniversalTime() > now;
        if (!renewing && string.IsNullOrEmpty(cloud.Enrolment.Token))
        {
            health.Report(Owner, Component, HealthState.Degraded, "no valid device certificate and no enrolment token (cloud.enrolment.token)");
            return null;
        }
        var answer = await EnrolAsync(cloud, est, renewing ? current : null, ct);
        if (!answer.TryGetValue(out var enrolled, out var failure))
        {
            health.Report(Owner, Component, HealthState.Degraded, $"{(renewing ? "renewal" : "enrolment")} failed: {failure.Message}");
            log.LogWarning("Cloud {What} failed: {Failure}", renewing ? "renewal" : "enrolment", failure);
            return TimeSpan.FromMinutes(1);
        }
        if (enrolled.Certificates is null)
        {
            health.Report(Owner, Component, HealthState.Degraded, $"the fleet has the request and asked to come back in {enrolled.RetryAfter}");
            return enrolled.RetryAfter;
        }
        if (!identity.Install(enrolled.Certificates).TryGetValue(out var installed, out var refused))
        {
            health.Report(Owner, Component, HealthState.Degraded, $"the fleet's certificate was not installed: {refused.Message}");
            log.LogWarning("Cloud certificate from enrolment refused: {Failure}", refused);
            return TimeSpan.FromMinutes(1);
        }
        log.LogInformation("Cloud device certificate {What}: valid until {NotAfter}", renewing ? "renewed" : "enrolled", installed.NotAfter);
        health.Report(Owner, Component, HealthState.Healthy, $"device certificate {(renewing ? "renewed" : "enrolled")}, valid until {installed.NotAfter.ToUniversalTime():u}");
        await link.RestartAsync();
        return null;
    }

    private async Task<Result<EnrolmentAnswer>> EnrolAsync(CloudOptions cloud, Uri est, X509Certificate2? current, CancellationToken ct)
    {
        if (!TlsMaterial.LoadAuthorities(cloud.CaFile).TryGetValue(out var authorities, out var noCa)) return noCa;
        X509Certificate2? client = null;
        if (current is not null)
        {
            var material = TlsMaterial.Load(cloud.CaFile, identity.CertificatePath, identity.KeyPath);
            if (!material.TryGetValue(out var tls, out var bad)) return bad;
            client = tls.Client;
        }
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(20),
            Proxy = Proxy(options.Value.Network),
            UseProxy = !string.IsNullOrWhiteSpace(options.Value.Network.Proxy),
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            FleetTrust.Check(authorities, certificate, errors, time.GetUtcNow(), "enrolment server") is null;
        if (client is not null) handler.SslOptions.ClientCertificates = [client];
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var request = identity.SigningRequest();
        var server = new EstClient(http, est);
        return client is null
            ? await server.EnrolAsync(request, identity.DeviceId, cloud.Enrolment.Token!, ct)
            : await server.ReenrolAsync(request, ct);
    }

    private static WebProxy? Proxy(HostNetworkOptions network)
    {
        if (string.IsNullOrWhiteSpace(network.Proxy)) return null;
        var proxy = new WebProxy(new Uri(network.Proxy.Contains("://", StringComparison.Ordinal) ? network.Proxy : "http://" + network.Proxy.Trim()));
        if (network.ProxyUsername is { Length: > 0 } user) proxy.Credentials = new NetworkCredential(user, network.ProxyPassword);
        return proxy;
    }
}
