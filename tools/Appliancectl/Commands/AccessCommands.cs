using System.CommandLine;
using Appliance.Tools.Appliancectl.Cli;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl tokens list|revoke</c> (the logged-in user's API tokens) and <c>appliancectl users unlock</c>
/// (on the box itself: clears login failures through the loopback-only <c>/auth/unlock</c>; needs no login).
/// </summary>
public static class AccessCommands
{
    public static Command Tokens(GlobalOptions globals)
    {
        var list = new Command("list", "List your API tokens: label, expiry, last use, state");
        list.SetSessionAction(globals, async (session, _, ct) =>
        {
            var tokens = await session.Api.GetAsync("/api/v1/tokens", ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(tokens);
                return ExitCodes.Ok;
            }
            // Creation and revocation times are in --json; the table keeps to 120 columns.
            session.Output.Table(["ID", "LABEL", "EXPIRES", "LAST USED", "STATE"],
                tokens.Items().Select(t => (IReadOnlyList<string>)
                [
                    t.Text("id"), t.Text("label"), OrNever(t.Time("expiresAt")), OrNever(t.Time("lastUsedAt")),
                    t.Text("revokedAt").Length > 0 ? "revoked" : "active",
                ]));
            return ExitCodes.Ok;
        });
        var id = new Argument<string>("id") { Description = "Token id (from tokens list)" };
        var revoke = new Command("revoke", "Revoke an API token at once") { id };
        revoke.SetSessionAction(globals, async (session, parse, ct) =>
        {
            await session.Api.SendAsync(HttpMethod.Delete, "/api/v1/tokens/" + Uri.EscapeDataString(parse.GetValue(id)!), null, ct);
            session.Output.Line($"Token {parse.GetValue(id)} revoked.");
            return ExitCodes.Ok;
        });
        return new Command("tokens", "API tokens") { list, revoke };
    }

    private static string OrNever(string text) => text.Length == 0 ? "never" : text;

    public static Command Users(GlobalOptions globals)
    {
        var user = new Argument<string>("user") { Description = "User name" };
        var url = new Option<int>("--port") { Description = "The appliance's HTTPS port on this machine", DefaultValueFactory = _ => 443 };
        var unlock = new Command("unlock", "On the appliance itself: clear a user's login failures (lockout)") { user, url };
        unlock.SetOutputAction(globals, async (output, parse, ct) =>
        {
            // Loopback only: the appliance refuses this from anywhere else, so its own certificate is accepted here.
            using var api = new ApiClient(new Uri($"https://127.0.0.1:{parse.GetValue(url)}"), null, new CertificateTrust(null, insecure: true));
            await api.PostJsonAsync("/auth/unlock", new { username = parse.GetValue(user) }, ct);
            output.Line($"Login failures of {parse.GetValue(user)} cleared.");
            return ExitCodes.Ok;
        });
        return new Command("users", "Users") { unlock };
    }
}
