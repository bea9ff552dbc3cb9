using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck;

/// <summary>
/// Runs the configured checks concurrently, each under its own timeout, and returns one <see cref="CheckResult"/>
/// per check in a stable order (DNS, TLS, TCP targets, STUN, NTP, proxy, content filter, cameras).
/// </summary>
public sealed class NetworkDoctor
{
    private readonly NetworkDoctorSettings _settings;
    private readonly NetCheckEnvironment _environment;

    /// <summary>Settings must be valid (<see cref="NetworkDoctorSettings.Validate"/>): invalid ones are a caller bug.</summary>
    public NetworkDoctor(NetworkDoctorSettings settings, NetCheckEnvironment environment)
    {
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid network doctor settings: " + string.Join("; ", errors), nameof(settings));
        }

        _settings = settings;
        _environment = environment;
    }

    public NetworkDoctor(NetworkDoctorSettings settings)
        : this(settings, NetCheckEnvironment.Default)
    {
    }

    /// <summary>The checks the settings call for, in report order.</summary>
    public IReadOnlyList<INetworkCheck> PlanChecks()
    {
        var lookup = NetCheckEnvironment.LookupClientFor(_settings);
        var connector = new TcpConnector(_environment.Sockets, new LookupClientResolver(lookup));
        var checks = new List<INetworkCheck>();
        checks.AddRange(_settings.Fqdns.Distinct(StringComparer.OrdinalIgnoreCase).Select(f => new DnsResolutionCheck(f, lookup)));
        checks.AddRange(_settings.CloudEndpoints.Select(e => new TlsEndpointCheck(e, connector, _environment.Trust, _environment.Clock)));
        checks.AddRange(_settings.TcpTargets.DistinctBy(t => (t.Host.ToLowerInvariant(), t.Port)).Select(t => new TcpTargetCheck(t, connector)));
        if (_settings.StunServer is { } stun)
        {
            checks.Add(new StunNatCheck(stun, connector.Resolver, _environment.Sockets, _environment.StunRetransmission));
        }

        if (_settings.NtpServer is { } ntp)
        {
            var responseTimeout = _settings.PerCheckTimeout / 2;
            checks.Add(new NtpOffsetCheck(ntp, connector.Resolver, _environment.Sockets, _environment.Clock, _settings.NtpWarnOffset, responseTimeout));
        }

        if (_settings.Proxy is { } proxy)
        {
            checks.AddRange(_settings.CloudEndpoints.Select(e => new ProxyConnectCheck(proxy, e, connector, _environment.Trust)));
        }

        if (_settings.ContentFilter is { } filter)
        {
            checks.Add(new ContentFilterCheck(filter.Url, filter.Window, connector, _settings.Proxy));
        }

        foreach (var camera in _settings.Cameras)
        {
            if (camera.Rtsp is { } rtsp)
            {
                checks.Add(new RtspOptionsCheck(camera, rtsp, connector));
            }

            if (camera.Onvif is { } onvif)
            {
                checks.Add(new OnvifTimeCheck(camera, onvif, connector, _environment.Clock, _settings.CameraClockWarnSkew));
            }
        }

        return checks;
    }

    public Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken) => RunAsync(PlanChecks(), null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="checks"/> (from <see cref="PlanChecks"/>); <paramref name="finished"/> hears of each
    /// result as it comes (in completion order, from any thread), the returned list keeps the plan's order.
    /// </summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(IReadOnlyList<INetworkCheck> checks, Action<CheckResult>? finished, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(Math.Max(1, _settings.MaxConcurrency));
        var runs = checks.Select(async check =>
        {
            var result = await RunOneAsync(check, gate, _settings.PerCheckTimeout, cancellationToken).ConfigureAwait(false);
            finished?.Invoke(result);
            return result;
        }).ToList();
        return await Task.WhenAll(runs).ConfigureAwait(false);
    }

    /// <summary>Runs one check under a timeout. A timeout or a crash becomes a Fail result, so one check never hides the others.</summary>
    public static async Task<CheckResult> RunOneAsync(INetworkCheck check, SemaphoreSlim gate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                return await check.RunAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new CheckResult(check.Name, check.Target, CheckStatus.Fail, null,
                    $"no answer within {timeout.TotalSeconds:0.#} s", check.TimeoutRemediation);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new CheckResult(check.Name, check.Target, CheckStatus.Fail, null,
                    $"check failed unexpectedly: {ex.GetType().Name}: {ex.Message}", check.TimeoutRemediation);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
