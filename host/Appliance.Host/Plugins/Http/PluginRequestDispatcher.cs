using System.Security.Claims;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Host.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;

namespace Appliance.Host.Plugins;

/// <summary>
/// Serves one request with a plugin route: checks the route's access (role, CSRF on cookie writes; nothing for
/// own-auth), sets the route's body limit, hands the plugin the streamed body, and streams its response back.
/// Nothing is buffered here: a 1 GiB download or upload passes through in the plugin's own pieces.
/// </summary>
internal sealed class PluginRequestDispatcher(IAntiforgery antiforgery, ILogger<PluginRequestDispatcher> log)
{
    /// <summary>Headers the host owns; a plugin's values for them are dropped.</summary>
    private static readonly HashSet<string> HostOwnedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Set-Cookie", "Content-Security-Policy",
        "Strict-Transport-Security", "Server", "Date",
    };

    public async Task DispatchAsync(HttpContext http, PluginRoute route, RouteValueDictionary values)
    {
        var caller = PluginCaller.Anonymous;
        if (route.Access != RouteAccess.OwnAuth)
        {
            if (http.User.Identity?.IsAuthenticated != true)
            {
                await Problem(http, 401, "Unauthorized", "sign in or send a bearer token");
                return;
            }
            var role = ParseRole(http.User.FindFirstValue(ClaimTypes.Role));
            if (role is null || (int)role.Value < (int)Needed(route.Access))
            {
                await Problem(http, 403, "Forbidden", $"this route needs the {route.Access.ToString().ToLowerInvariant()} role");
                return;
            }
            var unsafeMethod = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method);
            var cookie = http.User.Identity.AuthenticationType != TokenAuthenticationHandler.SchemeName;
            if (unsafeMethod && cookie && !await antiforgery.IsRequestValidAsync(http))
            {
                await Problem(http, 400, "Refused", $"missing or invalid CSRF token (send it in {AuthSetup.CsrfHeader})");
                return;
            }
            caller = new PluginCaller(http.User.Identity.Name, role);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = route.MaxRequestBytes;
        if (http.Request.ContentLength > route.MaxRequestBytes)
        {
            await Problem(http, 413, "Too large", $"request body larger than {route.MaxRequestBytes} bytes");
            return;
        }

        var request = new PluginStreamRequest(
            http.Request.Method.ToUpperInvariant(),
            http.Request.Path.Value ?? "/",
            values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""),
            http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            http.Request.ContentLength,
            http.Request.Body,
            caller,
            http.Connection.RemoteIpAddress?.ToString());
        var ct = http.RequestAborted;
        PluginStreamResponse response;
        try
        {
            response = await route.Handler(request, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            await Problem(http, 413, "Too large", $"request body larger than {route.MaxRequestBytes} bytes");
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(ex, "Plugin {Plugin} route {Method} {Route} threw", route.PluginId, route.Method, route.Template);
            await Problem(http, 500, "Plugin failed", $"plugin '{route.PluginId}' failed to answer: {ex.GetType().Name}");
            return;
        }

        http.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers)
        {
            if (HostOwnedHeaders.Contains(name)) continue;
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (long.TryParse(value, out var length) && length >= 0) http.Response.ContentLength = length;
                continue;
            }
            http.Response.Headers[name] = value;
        }
        if (response.Body is null || HttpMethods.IsHead(http.Request.Method)) return;
        try
        {
            await response.Body(http.Response.Body, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Headers are gone already: the only honest signal left is to cut the connection.
            log.LogError(ex, "Plugin {Plugin} route {Method} {Route} failed while writing its body", route.PluginId, route.Method, route.Template);
            http.Abort();
        }
    }

    private static UserRole Needed(RouteAccess access) => access switch
    {
        RouteAccess.Viewer => UserRole.Viewer,
        RouteAccess.Operator => UserRole.Operator,
        _ => UserRole.Admin,
    };

    /// <summary>The role of a user as stored ("admin", "operator", "viewer"), or null for anything else.</summary>
    public static UserRole? ParseRole(string? role) => role?.ToLowerInvariant() switch
    {
        "admin" => UserRole.Admin,
        "operator" => UserRole.Operator,
        "viewer" => UserRole.Viewer,
        _ => null,
    };

    private static Task Problem(HttpContext http, int status, string title, string detail)
    {
        if (http.Response.HasStarted) { http.Abort(); return Task.CompletedTask; }
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { title, detail, status }, http.RequestAborted);
    }
}
