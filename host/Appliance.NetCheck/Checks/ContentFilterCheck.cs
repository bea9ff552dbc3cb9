using System.Diagnostics;
using System.Net.Sockets;
using Appliance.NetCheck.Http;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck.Checks;

/// <summary>
/// Downloads an endless streamed response (the configured test URL) for a fixed window, through the proxy if one is
/// configured, and records when bytes arrive; <see cref="ContentFilterAnalysis"/> judges the timeline.
/// </summary>
public sealed class ContentFilterCheck(Uri url, TimeSpan window, TcpConnector connector, HostPort? proxy) : INetworkCheck
{
    public string Name => CheckNames.ContentFilter;

    public string Target => url.ToString();

    private int Port => url.Port;

    public string TimeoutRemediation =>
        $"Exclude {url.Host} (TCP {Port}) and the cloud relay FQDNs from content filtering / media inspection: streamed video has no end-of-file.";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        using var http = NetCheckHttp.CreateClient(connector, proxy, Timeout.InfiniteTimeSpan);
        using var windowCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        windowCts.CancelAfter(window);
        var started = Stopwatch.GetTimestamp();
        TimeSpan? headersAt = null;
        var samples = new List<ArrivalSample>();
        var ended = false;
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, windowCts.Token).ConfigureAwait(false);
            headersAt = Stopwatch.GetElapsedTime(started);
            if (!response.IsSuccessStatusCode)
            {
                return new CheckResult(Name, Target, CheckStatus.Fail, headersAt.Value.TotalMilliseconds,
                    $"test URL answered {(int)response.StatusCode} {response.ReasonPhrase}",
                    $"Allow the appliance to fetch {url.Host} on TCP {Port}{(proxy is null ? string.Empty : $" through the proxy {proxy}")}.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(windowCts.Token).ConfigureAwait(false);
            var buffer = new byte[16384];
            while (true)
            {
                var read = await body.ReadAsync(buffer, windowCts.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    ended = true;
                    break;
                }

                samples.Add(new ArrivalSample(Stopwatch.GetElapsedTime(started), read));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The window is over: this is the normal end for an endless stream.
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException or null)
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, null, $"cannot fetch the test URL: {ex.Message}",
                $"Allow outbound TCP {(proxy?.Port ?? Port)} to {(proxy?.Host ?? url.Host)} so the content-filter test can run.");
        }
        catch (HttpRequestException ex)
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, null, $"the test URL's response is unusable: {ex.Message}",
                $"Point the content-filter test at an endless HTTP stream on TCP {Port}.");
        }
        catch (IOException)
        {
            // The connection broke mid-stream: judged like an ended stream.
            ended = true;
        }

        var (status, detail) = ContentFilterAnalysis.Analyze(headersAt, samples, window, ended);
        return new CheckResult(Name, Target, status, headersAt?.TotalMilliseconds, detail, status == CheckStatus.Pass ? null : TimeoutRemediation);
    }
}
