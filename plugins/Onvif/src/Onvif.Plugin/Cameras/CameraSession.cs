using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Protocol;
using Appliance.Plugins.Onvif.Protocol.Client;
using Appliance.Plugins.Onvif.Protocol.Device;
using Appliance.Plugins.Onvif.Protocol.Events;
using Appliance.Plugins.Onvif.Protocol.Media;

namespace Appliance.Plugins.Onvif.Plugin.Cameras;

/// <summary>What a connected camera offers: the client, its services and the profile PTZ commands go to.</summary>
public sealed record ConnectedCamera(OnvifClient Client, ServiceAddresses Services, MediaProfile? PtzProfile);

/// <summary>
/// One ONVIF camera: connect (clock sync, services), resolve the stream URI when the inventory has none, then keep a
/// PullPoint subscription feeding the event bus. Any failure is reported as health and retried with capped backoff.
/// </summary>
public sealed class CameraSession(CameraInfo camera, HttpClient http, IPluginContext context, bool pullPoint, CertificatePins pins)
{
    private static readonly TimeSpan SubscriptionTime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PullTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private volatile ConnectedCamera? _connected;

    public CameraInfo Camera => camera;

    public ConnectedCamera? Connected => _connected;

    public string HealthComponent => $"camera/{camera.Id}";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            var error = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            _connected = null;
            if (cancellationToken.IsCancellationRequested) break;
            if (error.Code == ErrorKind.Transport && pins.Explain(camera.Id) is { } certificate)
            {
                // Not a silent trust and not a vague transport error: what was presented, what to do.
                context.Health.Report(HealthComponent, HealthState.Unhealthy, $"{certificate}; retrying in {backoff.TotalSeconds:0}s");
                context.Logger.Warn("onvif: camera {Camera}: {Error}", camera.Id, certificate);
                await Task.Delay(backoff, context.Time, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromSeconds(Math.Min(backoff.TotalSeconds * 2, MaxBackoff.TotalSeconds));
                continue;
            }
            context.Health.Report(HealthComponent, error.Code == ErrorKind.NotAuthorized ? HealthState.Unhealthy : HealthState.Degraded,
                $"{error}; retrying in {backoff.TotalSeconds:0}s");
            context.Logger.Warn("onvif: camera {Camera}: {Error}; retrying in {Seconds}s", camera.Id, error.ToString(), backoff.TotalSeconds);
            await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 250)), context.Time, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromSeconds(Math.Min(backoff.TotalSeconds * 2, MaxBackoff.TotalSeconds));
        }
    }

    /// <summary>Runs until something fails (returned) or cancellation.</summary>
    private async Task<Failure> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!Uri.TryCreate(camera.OnvifUri, UriKind.Absolute, out var configured))
                return new Failure(ErrorKind.UnexpectedMessage, $"ONVIF URI \"{camera.OnvifUri}\" is not an absolute URI");
            var device = PortOverrides.ApplyHttpPort(configured, camera.Overrides.HttpPort);
            var credentials = camera.Username is null ? null : new OnvifCredentials(camera.Username, camera.Password ?? "");
            var client = new OnvifClient(new SoapHttpClient(http, credentials, context.Time), device);

            var clock = await client.SynchronizeClockAsync(cancellationToken).ConfigureAwait(false);
            if (!clock.IsOk) context.Logger.Warn("onvif: camera {Camera}: GetSystemDateAndTime failed ({Error}); using our clock", camera.Id, clock.Failure!.ToString());
            var services = await client.GetServiceAddressesAsync(cancellationToken).ConfigureAwait(false);
            if (!services.TryGetValue(out var addresses, out var servicesError)) return servicesError;
            addresses = WithHttpPort(addresses, camera.Overrides.HttpPort);
            var foreignService = Foreign(device, addresses.Media, "Media service address") ?? Foreign(device, addresses.Media2, "Media2 service address") ??
                Foreign(device, addresses.Ptz, "PTZ service address") ?? Foreign(device, addresses.Events, "event service address");
            if (foreignService is not null) return foreignService;

            MediaProfile? profile = null;
            if (camera.StreamUri is null)
            {
                var stream = await StreamUriResolver.ResolveAsync(client, addresses, camera.Overrides.Profile, camera.Overrides.RtspPort, cancellationToken).ConfigureAwait(false);
                if (!stream.TryGetValue(out var resolved, out var streamError)) return streamError;
                if (Foreign(device, resolved.StreamUri, "stream URI") is { } foreignStream) return foreignStream;
                // Resolved with the main stream and recorded first (recording the main one restarts this session; a
                // configured main URI, and so its sub stream, stays as given).
                if (camera.Overrides.SubStreamUri is null) await RecordSubStreamAsync(client, device, addresses, cancellationToken).ConfigureAwait(false);
                await context.Cameras.SetStreamUriAsync(camera.Id, resolved.StreamUri.ToString(), cancellationToken).ConfigureAwait(false);
                context.Logger.Info("onvif: camera {Camera}: stream {Uri} (profile {Profile}, {Service})", camera.Id,
                    Redact(resolved.StreamUri), resolved.Profile.Token, resolved.ViaMedia2 ? "media2" : "media");
                profile = resolved.Profile;
            }
            if (addresses.Ptz is not null) profile = await PtzProfileAsync(client, addresses, profile, cancellationToken).ConfigureAwait(false);
            _connected = new ConnectedCamera(client, addresses, profile);

            if (!pullPoint || addresses.Events is null)
            {
                context.Health.Report(HealthComponent, HealthState.Healthy, addresses.Events is null ? "connected; the camera offers no event service" : "connected; events disabled");
                await Task.Delay(Timeout.InfiniteTimeSpan, context.Time, cancellationToken).ConfigureAwait(false);
                return new Failure(ErrorKind.Transport, "stopped");
            }
            return await PullEventsAsync(client, device, addresses.Events, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new Failure(ErrorKind.Transport, "stopped");
        }
    }

    /// <summary>A camera with a second profile gets it as its sub stream (<c>camera/{id}/sub</c>); a failure here is logged, never fatal.</summary>
    private async Task RecordSubStreamAsync(OnvifClient client, Uri device, ServiceAddresses addresses, CancellationToken cancellationToken)
    {
        var sub = await StreamUriResolver.ResolveSubAsync(client, addresses, camera.Overrides.Profile, camera.Overrides.RtspPort, cancellationToken).ConfigureAwait(false);
        if (!sub.TryGetValue(out var resolved, out var error))
        {
            if (error.Code != ErrorKind.NoSubProfile) context.Logger.Warn("onvif: camera {Camera}: no sub stream: {Error}", camera.Id, error.ToString());
            return;
        }
        if (Foreign(device, resolved.StreamUri, "sub stream URI") is { } foreign)
        {
            context.Logger.Warn("onvif: camera {Camera}: sub stream refused: {Error}", camera.Id, foreign.ToString());
            return;
        }
        await context.Cameras.SetSubStreamUriAsync(camera.Id, resolved.StreamUri.ToString(), cancellationToken).ConfigureAwait(false);
        context.Logger.Info("onvif: camera {Camera}: sub stream {Uri} (profile {Profile})", camera.Id, Redact(resolved.StreamUri), resolved.Profile.Token);
    }

    private async Task<MediaProfile?> PtzProfileAsync(OnvifClient client, ServiceAddresses addresses, MediaProfile? resolved, CancellationToken cancellationToken)
    {
        if (resolved?.HasPtz == true) return resolved;
        var profiles = addresses.Media2 is { } m2
            ? await client.GetProfiles2Async(m2, cancellationToken).ConfigureAwait(false)
            : addresses.Media is { } m ? await client.GetProfilesAsync(m, cancellationToken).ConfigureAwait(false) : default;
        if (!profiles.IsOk || profiles.Value is null) return resolved;
        var configured = ProfileSelection.Select(profiles.Value, camera.Overrides.Profile);
        return profiles.Value.FirstOrDefault(p => p.HasPtz && (!configured.IsOk || p.Token == configured.Value.Token))
               ?? profiles.Value.FirstOrDefault(p => p.HasPtz) ?? (configured.IsOk ? configured.Value : resolved);
    }

    /// <summary>An address the camera returned that is not on its host, unless the camera is allowed foreign addresses.</summary>
    private Failure? Foreign(Uri device, Uri? returned, string what) =>
        camera.Overrides.AllowForeignAddresses ? null : AddressGuard.Check(device, returned, what);

    private async Task<Failure> PullEventsAsync(OnvifClient client, Uri device, Uri events, CancellationToken cancellationToken)
    {
        var created = await client.CreatePullPointSubscriptionAsync(events, SubscriptionTime, cancellationToken).ConfigureAwait(false);
        if (!created.TryGetValue(out var subscription, out var createError)) return createError;
        subscription = subscription with { Address = PortOverrides.ApplyHttpPort(subscription.Address, camera.Overrides.HttpPort) };
        if (Foreign(device, subscription.Address, "pull point address") is { } foreignPullPoint) return foreignPullPoint;
        var limiter = new EventRateLimiter(context.Time);
        long reportedDrops = 0;
        context.Health.Report(HealthComponent, HealthState.Healthy, "connected; events subscribed");
        try
        {
            var termination = subscription.TerminationTime;
            var cameraNow = subscription.CurrentTime;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (termination is not null && cameraNow is not null && termination.Value - cameraNow.Value < SubscriptionTime / 2)
                {
                    var renewed = await client.RenewAsync(subscription, SubscriptionTime, cancellationToken).ConfigureAwait(false);
                    if (!renewed.IsOk) return renewed.Failure!;
                    termination = renewed.Value ?? cameraNow.Value + SubscriptionTime;
                }
                var pulled = await client.PullMessagesAsync(subscription, PullTimeout, 64, cancellationToken).ConfigureAwait(false);
                if (!pulled.TryGetValue(out var result, out var pullError)) return pullError;
                cameraNow = result.CurrentTime ?? cameraNow;
                termination = result.TerminationTime ?? termination;
                foreach (var problem in result.Problems)
                    context.Logger.Warn("onvif: camera {Camera}: unreadable notification: {Error}", camera.Id, problem.ToString());
                foreach (var message in result.Messages)
                {
                    if (!limiter.TryTake()) continue;
                    await CameraEventPublisher.PublishAsync(context.Events, camera.Id, message, cancellationToken).ConfigureAwait(false);
                }
                if (limiter.Dropped > reportedDrops)
                {
                    reportedDrops = limiter.Dropped;
                    context.Health.Report(HealthComponent, HealthState.Degraded, $"connected; events throttled: {reportedDrops} notification(s) dropped over the per-camera rate limit");
                    context.Logger.Warn("onvif: camera {Camera}: events throttled, {Dropped} notification(s) dropped so far", camera.Id, reportedDrops);
                }
                var pause = limiter.PauseBeforeNextPull();
                if (pause > TimeSpan.Zero) await Task.Delay(pause, context.Time, cancellationToken).ConfigureAwait(false);
            }
            return new Failure(ErrorKind.Transport, "stopped");
        }
        finally
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await client.UnsubscribeAsync(subscription, grace.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>With an HTTP port override, every service address the camera reports gets that port (port forwarding, NAT).</summary>
    private static ServiceAddresses WithHttpPort(ServiceAddresses a, int? port)
    {
        if (port is null) return a;
        Uri? P(Uri? u) => u is null ? null : PortOverrides.ApplyHttpPort(u, port);
        return a with { Device = P(a.Device)!, Media = P(a.Media), Media2 = P(a.Media2), Ptz = P(a.Ptz), Events = P(a.Events) };
    }

    private static string Redact(Uri uri) =>
        string.IsNullOrEmpty(uri.UserInfo) ? uri.ToString() : uri.ToString().Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal);
}
