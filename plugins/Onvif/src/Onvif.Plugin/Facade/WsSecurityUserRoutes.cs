using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Onvif.Plugin.Facade.Auth;

namespace Appliance.Plugins.Onvif.Plugin.Facade;

/// <summary>
/// Admin routes (under <c>/plugins/appliance.onvif/</c>, declared admin-only in plugin.json) that opt a user in to
/// WS-Security PasswordDigest: <c>GET facade/ws-security-users</c> lists the users that have an ONVIF password (never the
/// password), <c>PUT facade/ws-security-users/{user}</c> <c>{"password":"..."}</c> sets one (the user must exist on the
/// appliance: 404 otherwise), <c>DELETE facade/ws-security-users/{user}</c> removes it (404 when there was none).
/// </summary>
public sealed class WsSecurityUserRoutes(WsSecurityPasswords passwords, IUserVerifier users, IPluginLogger log)
{
    public const string Collection = "facade/ws-security-users";
    public const string Item = "facade/ws-security-users/{user}";
    public const int MaxBodyBytes = 4096;

    public void Map(IRouteRegistry routes)
    {
        routes.Map("GET", Collection, ListAsync);
        routes.Map("PUT", Item, SetAsync);
        routes.Map("DELETE", Item, RemoveAsync);
    }

    private async Task<PluginHttpResponse> ListAsync(PluginHttpRequest request, CancellationToken cancellationToken) =>
        PluginHttpResponse.Json(JsonSerializer.Serialize(new { users = await passwords.UsersAsync(cancellationToken).ConfigureAwait(false) }));

    private async Task<PluginHttpResponse> SetAsync(PluginHttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.RouteValues.GetValueOrDefault("user") ?? "";
        if (user.Length is 0 or > 256) return Error(400, "user name must have 1 to 256 characters");
        if (request.Body.Length > MaxBodyBytes) return Error(413, $"body larger than {MaxBodyBytes} bytes");
        var password = ReadPassword(request.Body);
        if (!password.TryGetValue(out var clear, out var bad)) return Error(400, bad.Message);
        // Exists (any role is at least viewer): the host knows the user. "no-digest" means it exists but its HA1 for
        // the realm is not derived yet; the opt-in is still valid.
        var known = await users.GetDigestHa1Async(user, UsernameTokenCheck.RoleRealm, DigestAlgorithm.Md5, cancellationToken).ConfigureAwait(false);
        if (!known.IsOk && known.Failure!.Code != "no-digest") return Error(404, $"no user '{user}' on the appliance");
        var set = await passwords.SetAsync(user, clear, cancellationToken).ConfigureAwait(false);
        if (!set.IsOk) return Error(set.Failure!.Code == "full" ? 409 : 400, set.Failure.Message);
        log.Info("onvif facade: {Caller} set the ONVIF (WS-Security digest) password of {User}", request.User ?? "?", user);
        return PluginHttpResponse.Json(JsonSerializer.Serialize(new { user, wsSecurityDigest = true }));
    }

    private async Task<PluginHttpResponse> RemoveAsync(PluginHttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.RouteValues.GetValueOrDefault("user") ?? "";
        if (!await passwords.RemoveAsync(user, cancellationToken).ConfigureAwait(false)) return Error(404, $"'{user}' has no ONVIF password");
        log.Info("onvif facade: {Caller} removed the ONVIF (WS-Security digest) password of {User}", request.User ?? "?", user);
        return PluginHttpResponse.Json(JsonSerializer.Serialize(new { user, wsSecurityDigest = false }));
    }

    /// <summary>The password of a body <c>{"password":"..."}</c>; every other shape is named as wrong.</summary>
    public static Result<string> ReadPassword(ReadOnlyMemory<byte> body)
    {
        if (body.Length == 0) return new Failure("bad-body", "body must be {\"password\": \"...\"}");
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Object) return new Failure("bad-body", "body must be a JSON object {\"password\": \"...\"}");
            if (!document.RootElement.TryGetProperty("password", out var p) || p.ValueKind != JsonValueKind.String)
                return new Failure("bad-body", "body needs \"password\" as a string");
            var password = p.GetString()!;
            if (password.Length is 0 or > WsSecurityPasswords.MaxPasswordLength)
                return new Failure("bad-body", $"the ONVIF password must have 1 to {WsSecurityPasswords.MaxPasswordLength} characters");
            return password;
        }
        catch (JsonException ex) { return new Failure("bad-body", $"body is not JSON: {ex.Message}"); }
    }

    private static PluginHttpResponse Error(int status, string message) =>
        PluginHttpResponse.Json(JsonSerializer.Serialize(new { error = message }), status);
}
