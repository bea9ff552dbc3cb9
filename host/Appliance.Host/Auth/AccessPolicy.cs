using System.Security.Claims;

namespace Appliance.Host.Auth;

/// <summary>
/// The one table of who may call what: every endpoint under <c>/api/v1</c> and the plugins' routes, by endpoint
/// name, with the least role that may call it. An endpoint missing from the table is refused to everyone
/// (fail closed); a test enumerates the running app's endpoints against this table.
/// </summary>
public static class AccessPolicy
{
    public static readonly IReadOnlyDictionary<string, string> LeastRole = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Live view: what a viewer needs to find a camera and watch it.
        ["GetStatus"] = Roles.Viewer,
        ["GetHealth"] = Roles.Viewer,
        ["GetCloudLink"] = Roles.Viewer,
        ["ListCameras"] = Roles.Viewer,
        ["ListCameraUrls"] = Roles.Viewer,
        ["GetCamera"] = Roles.Viewer,
        ["GetCameraHealth"] = Roles.Viewer,
        ["GetMe"] = Roles.Viewer,
        // Live updates of the overview and the health badge: health events only (StreamEvents has them all).
        ["StreamHealthEvents"] = Roles.Viewer,
        ["ChangeMyPassword"] = Roles.Viewer,
        ["ListTokens"] = Roles.Viewer,
        ["CreateToken"] = Roles.Viewer,
        ["RevokeToken"] = Roles.Viewer,
        ["ListSessions"] = Roles.Viewer,
        ["EndSession"] = Roles.Viewer,
        // Cameras and events.
        ["ListDiscoveredDevices"] = Roles.Operator,
        ["DiscoverCameras"] = Roles.Operator,
        ["TestCamera"] = Roles.Operator,
        ["AddCamera"] = Roles.Operator,
        ["ListOnvifProfiles"] = Roles.Operator,
        ["UpdateCamera"] = Roles.Operator,
        ["DeleteCamera"] = Roles.Operator,
        ["ListEvents"] = Roles.Operator,
        ["StreamEvents"] = Roles.Operator,
        ["ListSubscriptions"] = Roles.Operator,
        ["ListRules"] = Roles.Operator,
        ["GetRule"] = Roles.Operator,
        ["ValidateRule"] = Roles.Operator,
        ["DryRunRules"] = Roles.Operator,
        // Everything that changes what runs on the box, its network, who may use it, or what it sends out (rules).
        ["CreateRule"] = Roles.Admin,
        ["ReplaceRule"] = Roles.Admin,
        ["DeleteRule"] = Roles.Admin,
        ["PublishEvent"] = Roles.Admin,
        ["ListPlugins"] = Roles.Admin,
        ["GetPlugin"] = Roles.Admin,
        ["InstallPlugin"] = Roles.Admin,
        ["UninstallPlugin"] = Roles.Admin,
        ["EnablePlugin"] = Roles.Admin,
        ["DisablePlugin"] = Roles.Admin,
        ["RestartPlugin"] = Roles.Admin,
        ["SetPluginConfig"] = Roles.Admin,
        ["GetPluginConfig"] = Roles.Admin,
        ["SetPluginConfigValue"] = Roles.Admin,
        ["GetPluginCatalog"] = Roles.Admin,
        ["GetPluginCatalogProgress"] = Roles.Admin,
        ["InstallCatalogPlugin"] = Roles.Admin,
        ["UpdateCatalogPlugin"] = Roles.Admin,
        ["GetNetworkRequirements"] = Roles.Admin,
        ["GetFirewall"] = Roles.Admin,
        ["GetFirewallRuleset"] = Roles.Admin,
        ["ApplyFirewall"] = Roles.Admin,
        ["ConfirmFirewall"] = Roles.Admin,
        ["AuditSockets"] = Roles.Admin,
        ["RunNetcheck"] = Roles.Admin,
        ["GetNetcheckProgress"] = Roles.Admin,
        // The report lists the box's weaknesses and how to reach them: administrators only.
        ["GetSecurityReport"] = Roles.Admin,
        ["PlanNetworkBandwidth"] = Roles.Admin,
        ["GetNetworkPlanDefaults"] = Roles.Admin,
        ["GetDataUse"] = Roles.Admin,
        ["ListUsers"] = Roles.Admin,
        ["CreateUser"] = Roles.Admin,
        ["SetUserRole"] = Roles.Admin,
        ["SetUserPassword"] = Roles.Admin,
        ["DeleteUser"] = Roles.Admin,
        ["UnlockUser"] = Roles.Admin,
        // The box itself (systemd units, time, host name, IP settings, power).
        ["ListSystemUnits"] = Roles.Admin,
        // The support bundle holds the configuration (secrets removed), logs and events: administrators only.
        ["GetSupportBundle"] = Roles.Admin,
        // Backups carry every camera's credentials (encrypted) and a restore replaces the configuration.
        ["GetBackupKey"] = Roles.Admin,
        ["CreateBackup"] = Roles.Admin,
        ["PreviewRestore"] = Roles.Admin,
        ["Restore"] = Roles.Admin,
        // The device identity towards the fleet: the request and the certificate installed for it.
        ["GetCloudSigningRequest"] = Roles.Admin,
        ["InstallCloudCertificate"] = Roles.Admin,
        ["GetImageUpdate"] = Roles.Admin,
        ["InstallImageUpdate"] = Roles.Admin,
        ["GetUnitJournal"] = Roles.Admin,
        ["RestartSystemUnit"] = Roles.Admin,
        ["GetTimeSync"] = Roles.Admin,
        ["SetTime"] = Roles.Admin,
        ["ApplyNtpServers"] = Roles.Admin,
        ["GetSsh"] = Roles.Admin,
        ["ApplySsh"] = Roles.Admin,
        ["GetHostname"] = Roles.Admin,
        ["SetHostname"] = Roles.Admin,
        ["GetNetworkSettings"] = Roles.Admin,
        ["ApplyNetworkSettings"] = Roles.Admin,
        ["ConfirmNetworkSettings"] = Roles.Admin,
        ["RevertNetworkSettings"] = Roles.Admin,
        ["Reboot"] = Roles.Admin,
        ["PowerOff"] = Roles.Admin,
    };

    /// <summary>Whether <paramref name="user"/> may call the endpoint named <paramref name="endpointName"/> (false for unknown names).</summary>
    public static bool Allows(ClaimsPrincipal user, string? endpointName) =>
        endpointName is not null && LeastRole.TryGetValue(endpointName, out var least) && Roles.Allows(user.FindFirstValue(ClaimTypes.Role), least);

    /// <summary>
    /// After authentication: an authenticated call to a guarded endpoint (API or plugin route) whose role does
    /// not allow it gets 403. Unauthenticated calls are left to the authorization middleware (401).
    /// </summary>
    public static void UseAccessPolicy(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var endpoint = http.GetEndpoint();
            var guarded = http.Request.Path.StartsWithSegments("/api"); // plugin routes: PluginRequestDispatcher, per declared route
            if (guarded && endpoint is not null && http.User.Identity?.IsAuthenticated == true)
            {
                var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
                if (!Allows(http.User, name))
                {
                    http.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await http.Response.WriteAsJsonAsync(new
                    {
                        title = "Forbidden",
                        status = 403,
                        detail = name is not null && LeastRole.TryGetValue(name, out var least)
                            ? $"this needs the {least} role"
                            : "this endpoint has no access policy",
                    });
                    return;
                }
            }
            await next(http);
        });
    }
}
