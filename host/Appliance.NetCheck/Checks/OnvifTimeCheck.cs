using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Appliance.NetCheck.Http;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Onvif;

namespace Appliance.NetCheck.Checks;

/// <summary>A camera's ONVIF reachability: SOAP 1.2 GetSystemDateAndTime, reporting the camera clock's skew.</summary>
public sealed class OnvifTimeCheck(CameraTarget camera, Uri deviceService, TcpConnector connector, TimeProvider clock, TimeSpan warnSkew) : INetworkCheck
{
    public string Name => CheckNames.Onvif;

    public string Target => $"{camera.Name} {deviceService.GetLeftPart(UriPartial.Path)}";

    public string TimeoutRemediation =>
        $"Allow TCP {deviceService.Port} ({deviceService.Scheme.ToUpperInvariant()}, ONVIF) from the appliance to camera {camera.Name} at {deviceService.Host}.";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        using var http = NetCheckHttp.CreateClient(connector, proxy: null, Timeout.InfiniteTimeSpan);
        using var request = new HttpRequestMessage(HttpMethod.Post, deviceService)
        {
            Content = new StringContent(OnvifDateTimeSoap.RequestEnvelope, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(OnvifDateTimeSoap.ContentType);

        var sent = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        string body;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException)
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                $"cannot connect to {deviceService.Host}:{deviceService.Port}: {ex.InnerException.Message}", TimeoutRemediation);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException)
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                $"TCP {deviceService.Port} answers but not as an ONVIF HTTP service: {ex.Message}",
                $"Check the ONVIF device service URI of camera {camera.Name} (TCP {deviceService.Port}).");
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var latency = elapsed.TotalMilliseconds;
        if (status == HttpStatusCode.Unauthorized)
        {
            return new CheckResult(Name, Target, CheckStatus.Warn, latency,
                "device requires authentication even for GetSystemDateAndTime (ONVIF Core allows it unauthenticated)",
                $"TCP {deviceService.Port} is reachable; configure ONVIF credentials for camera {camera.Name}.");
        }

        if (!OnvifDateTimeSoap.ParseResponse(body).TryGetValue(out var time, out var failure))
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, latency, $"HTTP {(int)status}: {failure.Message}",
                $"Check that {deviceService} on TCP {deviceService.Port} is camera {camera.Name}'s ONVIF device service.");
        }

        var skew = time.UtcDateTime - (sent + (elapsed / 2));
        var detail = $"camera UTC {time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({time.DateTimeType}), skew {skew.TotalSeconds:+0.0;-0.0;0} s";
        return skew.Duration() > warnSkew
            ? new CheckResult(Name, Target, CheckStatus.Warn, latency, $"{detail}: more than {warnSkew.TotalSeconds:0} s off",
                $"Set camera {camera.Name} to NTP (UDP 123) against the appliance or site time server; skew breaks ONVIF authentication and event times.")
            : new CheckResult(Name, Target, CheckStatus.Pass, latency, detail, null);
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[OnvifDateTimeSoap.MaxResponseLength + 1];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        if (filled > OnvifDateTimeSoap.MaxResponseLength)
        {
            throw new InvalidDataException($"SOAP response exceeds {OnvifDateTimeSoap.MaxResponseLength} bytes");
        }

        return Encoding.UTF8.GetString(buffer, 0, filled);
    }
}
