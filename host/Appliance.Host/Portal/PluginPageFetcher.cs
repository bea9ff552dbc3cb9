using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Portal;

/// <summary>
/// Renders a plugin's portal page on the server: calls the handler the plugin mapped for its declared GET route
/// (the one <c>/plugins/{id}/{route}</c> runs) with the caller and the query string, but without the session cookie,
/// bearer token or CSRF header, and reads its <c>text/html</c> answer within
/// <see cref="PluginHostOptions.PortalPageTimeoutSeconds"/> and <see cref="PluginHostOptions.PortalPageMaxBytes"/>.
/// Failure codes: <c>not-running</c> (503), <c>timeout</c> (504), <c>too-large</c>, <c>bad-answer</c>, <c>failed</c> (502).
/// </summary>
public sealed class PluginPageFetcher(PluginRouteTable routes, IOptions<ApplianceOptions> options, ILogger<PluginPageFetcher> log)
{
    private static readonly HashSet<string> CredentialHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Cookie", "Authorization", Auth.AuthSetup.CsrfHeader,
    };

    public async Task<Result<string>> FetchAsync(PluginPortalPage page, PluginCaller caller, HttpRequest request, CancellationToken ct)
    {
        if (!page.Running || !routes.TryMatch(page.PluginId, "GET", page.Route, out var route, out var values) || route is null)
            return Result<string>.Fail("not-running", $"The plugin {page.PluginId} is not running, so its page \"{page.Title}\" cannot be shown.");
        var settings = options.Value.Plugins;
        var timeout = TimeSpan.FromSeconds(settings.PortalPageTimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        using var buffer = new CappedBuffer(settings.PortalPageMaxBytes);
        var call = CallAsync(route, Request(page, caller, request, values), buffer, deadline.Token);
        try
        {
            // WaitAsync: a handler that ignores its token still cannot hold the page past the timeout.
            return await call.WaitAsync(timeout, ct);
        }
        catch (Exception) when (buffer.Overflowed)
        {
            return Result<string>.Fail("too-large", $"The plugin {page.PluginId} answered a page larger than {buffer.Limit} bytes.");
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            await deadline.CancelAsync();
            return Result<string>.Fail("timeout", $"The plugin {page.PluginId} did not answer its page within {timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Plugin {Plugin} failed to render its portal page {Route}", page.PluginId, page.Route);
            return Result<string>.Fail("failed", $"The plugin {page.PluginId} failed to render its page: {ex.GetType().Name}.");
        }
    }

    private static async Task<Result<string>> CallAsync(PluginRoute route, PluginStreamRequest request, CappedBuffer buffer, CancellationToken ct)
    {
        var response = await route.Handler(request, ct);
        var type = response.Headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? "";
        if (response.StatusCode is < 200 or > 299)
            return Result<string>.Fail("bad-answer", $"The plugin {route.PluginId} answered its page with HTTP {response.StatusCode}.");
        if (!type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
            return Result<string>.Fail("bad-answer", $"The plugin {route.PluginId} answered its page with \"{type}\", not text/html.");
        if (response.Body is not null) await response.Body(buffer, ct);
        return new UTF8Encoding(false, false).GetString(buffer.Written);
    }

    private static PluginStreamRequest Request(PluginPortalPage page, PluginCaller caller, HttpRequest request, RouteValueDictionary values) => new(
        "GET",
        $"/plugins/{page.PluginId}/{page.Route}",
        values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""),
        request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
        request.Headers.Where(h => !CredentialHeaders.Contains(h.Key)).ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        0,
        Stream.Null,
        caller,
        request.HttpContext.Connection.RemoteIpAddress?.ToString());
}
