using Appliance.Abstractions;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Appliance.Host.SystemServices;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Api;

/// <summary>
/// The box itself under <c>/api/v1/system</c> (administrators): units and their journal, restart of the restartable
/// ones, time, the SSH maintenance login, host name, network settings with confirm-or-revert, reboot and power off
/// (confirmed, re-authenticated).
/// 503 while <c>appliance.systemServices.enabled</c> is off.
/// </summary>
internal static class SystemServicesApi
{
    public static void MapSystemServicesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/system").WithTags("system").AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<IOptions<ApplianceOptions>>().Value.SystemServices.Enabled
                ? await next(context)
                : PluginsApi.Problem(503, "system services are off in this configuration (appliance.systemServices.enabled)"));

        group.MapGet("/units", async (UnitsService units, CancellationToken ct) => Respond(await units.ListAsync(ct)))
            .WithName("ListSystemUnits").WithSummary("The appliance's systemd units with their states and whether they may be restarted");
        group.MapGet("/units/{name}/journal", async (string name, JournalReader journal, CancellationToken ct) => Respond(await journal.ReadAsync(name, ct)))
            .WithName("GetUnitJournal").WithSummary("The unit's recent journal lines (journalctl)");
        group.MapPost("/units/{name}/restart", async (string name, UnitsService units, CancellationToken ct) =>
                Respond(await units.RestartAsync(name, ct), job => new { unit = name, job }))
            .WithName("RestartSystemUnit").WithSummary("Restart a restartable unit and wait until systemd reports its job done");

        group.MapGet("/time", async (TimeSyncService time, CancellationToken ct) => Results.Ok(await time.CheckAsync(ct)))
            .WithName("GetTimeSync").WithSummary("Time zone, NTP and sync state, the clock's offset from the first NTP server");
        group.MapPut("/time", async (TimeChange body, TimeSyncService time, CancellationToken ct) =>
                Respond(await time.SetAsync(body.Ntp, body.Timezone, ct), _ => new { ntp = body.Ntp, timezone = body.Timezone }))
            .WithName("SetTime").WithSummary("Turn NTP on or off and/or set the time zone");
        group.MapPost("/time/ntp-servers", async (TimeSyncService time, CancellationToken ct) =>
                Respond(await time.ApplyNtpServersAsync(ct), done => new { message = done }))
            .WithName("ApplyNtpServers").WithSummary("Write network.ntpServers for systemd-timesyncd, restart it, turn NTP on");

        group.MapGet("/ssh", async (SshService ssh, CancellationToken ct) => Results.Ok(await ssh.StatusAsync(ct)))
            .WithName("GetSsh").WithSummary("The maintenance login: on or off, its zones, the accepted keys with fingerprints, the SSH unit's state");
        group.MapPost("/ssh/apply", async (SshService ssh, CancellationToken ct) =>
                Respond(await ssh.ApplyAsync(ct), done => new { message = done }))
            .WithName("ApplySsh").WithSummary("Write systemServices.ssh's keys for sshd and start SSH, or stop it when off or a key is refused");

        group.MapGet("/hostname", async (HostnameClient hostname, CancellationToken ct) => Respond(await hostname.GetAsync(ct)))
            .WithName("GetHostname").WithSummary("The host name and the configured static host name");
        group.MapPut("/hostname", async (HostnameChange body, HostnameClient hostname, CancellationToken ct) =>
                Respond(await hostname.SetStaticHostnameAsync(body.Hostname ?? "", ct), _ => new { hostname = body.Hostname }))
            .RequireReauthentication().WithName("SetHostname").WithSummary("Set the static host name");

        group.MapGet("/network", async (NetworkSettingsService network, CancellationToken ct) => Results.Ok(View(await network.StatusAsync(ct))))
            .WithName("GetNetworkSettings").WithSummary("Each interface's IPv4 settings (DHCP or static), a change waiting for confirmation, the last revert");
        group.MapPut("/network/{interface}", async (string @interface, NetworkSettingsChange body, NetworkSettingsService network, CancellationToken ct) =>
            {
                var settings = AddressSettings.Create(body.Method, body.Addresses, body.Gateway, body.Dns);
                if (!settings.IsOk) return Problem(settings.Failure!);
                return Respond(await network.ApplyAsync(@interface, settings.Value, ct), PendingView);
            })
            .RequireReauthentication().WithName("ApplyNetworkSettings")
            .WithSummary("Apply an interface's IPv4 settings; reverted unless POST /system/network/confirm arrives in time");
        group.MapPost("/network/confirm", (NetworkSettingsService network) =>
                network.Confirm() ? Results.Ok(new { confirmed = true }) : PluginsApi.Problem(409, "no network change is waiting for confirmation"))
            .WithName("ConfirmNetworkSettings").WithSummary("Keep the network change that waits for confirmation");
        group.MapPost("/network/revert", async (NetworkSettingsService network, CancellationToken ct) =>
                Respond(await network.RevertAsync(ct), message => new { message }))
            .WithName("RevertNetworkSettings").WithSummary("Put back the settings a waiting change replaced, now");

        group.MapPost("/reboot", async (PowerConfirmation body, LoginClient login, ILogger<LoginClient> log, CancellationToken ct) =>
                await PowerAsync(body, "reboot", login.RebootAsync, log, ct))
            .RequireReauthentication().WithName("Reboot").WithSummary("Reboot the appliance (body {\"confirm\": \"reboot\"})");
        group.MapPost("/poweroff", async (PowerConfirmation body, LoginClient login, ILogger<LoginClient> log, CancellationToken ct) =>
                await PowerAsync(body, "poweroff", login.PowerOffAsync, log, ct))
            .RequireReauthentication().WithName("PowerOff").WithSummary("Power the appliance off (body {\"confirm\": \"poweroff\"})");
    }

    private static async Task<IResult> PowerAsync(PowerConfirmation body, string word, Func<CancellationToken, Task<Result<bool>>> action, ILogger log, CancellationToken ct)
    {
        if (body.Confirm != word) return PluginsApi.Problem(400, $"send {{\"confirm\": \"{word}\"}} to {word} the appliance");
        log.LogWarning("System: {Action} requested", word);
        return Respond(await action(ct), _ => new { accepted = word });
    }

    private static object PendingView(PendingNetworkChange pending) => new
    {
        @interface = pending.Interface,
        applied = Settings(pending.Applied),
        previous = Settings(pending.Previous),
        revertAt = pending.RevertAt,
    };

    private static object View(NetworkSettingsStatus status) => new
    {
        interfaces = status.Interfaces.Select(i => new
        {
            @interface = i.Interface,
            connection = i.ConnectionId,
            settings = i.Settings is { } s ? Settings(s) : null,
        }),
        pending = status.Pending is { } p ? PendingView(p) : null,
        status.LastRevert,
        status.Error,
    };

    internal static NetworkSettingsChange Settings(AddressSettings s) => new(
        s.Dhcp ? "dhcp" : "static",
        s.Addresses.Select(a => a.ToString()).ToList(),
        s.Gateway?.ToString(),
        s.Dns.Select(d => d.ToString()).ToList());

    private static IResult Respond<T>(Result<T> result) => result.IsOk ? Results.Ok(result.Value) : Problem(result.Failure!);

    private static IResult Respond<T>(Result<T> result, Func<T, object> body) => result.IsOk ? Results.Ok(body(result.Value)) : Problem(result.Failure!);

    /// <summary>A failure's code as HTTP: the caller's input 400, not allowed 403, unknown 404, waiting change 409, the bus or service away 503, too slow 504, the service's own refusal or a reply we cannot read 502.</summary>
    private static IResult Problem(Failure failure) => PluginsApi.Problem(failure.Code switch
    {
        BusFailures.Invalid => 400,
        "forbidden" => 403,
        BusFailures.NotFound => 404,
        "conflict" => 409,
        BusFailures.Unavailable or BusFailures.Transport or "unavailable" => 503,
        BusFailures.Timeout or "timeout" => 504,
        _ => 502,
    }, failure.Message);
}

public sealed record TimeChange(bool? Ntp, string? Timezone);

public sealed record HostnameChange(string? Hostname);

public sealed record NetworkSettingsChange(string? Method, List<string>? Addresses, string? Gateway, List<string>? Dns);

public sealed record PowerConfirmation(string? Confirm);
