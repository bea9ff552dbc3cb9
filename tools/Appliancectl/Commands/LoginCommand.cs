using System.CommandLine;
using Appliance.Tools.Appliancectl.Cli;
using Appliance.Tools.Appliancectl.Config;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary><c>appliancectl login</c>: takes an API token for a user and stores it with the address and certificate pin.</summary>
public static class LoginCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var user = new Option<string>("--user", "-u") { Description = "User name", Required = true };
        var password = PasswordInput.DiscouragedOption("Password");
        password.Aliases.Add("-p");
        var passwordStdin = PasswordInput.StdinOption("the password");
        var fingerprint = new Option<string?>("--fingerprint")
        {
            Description = "SHA-256 fingerprint of the appliance's certificate to pin (shown on the portal's Overview page)",
        };
        fingerprint.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !CertificateTrust.IsValidFingerprint(result.Tokens[0].Value))
                result.AddError($"--fingerprint: '{result.Tokens[0].Value}' is not a SHA-256 fingerprint (64 hex digits)");
        });
        var label = new Option<string>("--label") { Description = "Name of the token on the appliance", DefaultValueFactory = _ => "appliancectl@" + Environment.MachineName };

        var command = new Command("login", "Log in and store the address, a token and the certificate pin") { user, password, passwordStdin, fingerprint, label };
        command.RefuseBoth(password, passwordStdin);
        command.SetOutputAction(globals, async (output, parse, ct) =>
        {
            var loaded = ConfigFile.Load(ConfigFile.DefaultPath());
            var stored = loaded.IsOk ? loaded.Value : null;
            var url = parse.GetValue(globals.Url)
                ?? (Environment.GetEnvironmentVariable("APPLIANCE_URL") is { Length: > 0 } env ? new Uri(env) : null)
                ?? (stored is not null ? new Uri(stored.Url) : null)
                ?? throw new CliException("login: give the appliance's address with --url https://<appliance>:8443", usage: true);
            var name = parse.GetValue(user)!;
            var secret = parse.GetValue(passwordStdin) ? PasswordInput.FromStdin(Console.In, "password")
                : parse.GetValue(password) ?? Environment.GetEnvironmentVariable("APPLIANCE_PASSWORD") ?? ReadPassword(output);
            var insecure = parse.GetValue(globals.Insecure);
            var trust = new CertificateTrust(parse.GetValue(fingerprint), insecure);

            string token;
            try
            {
                token = await TakeTokenAsync(url, trust, name, secret, parse.GetValue(label)!, ct);
            }
            catch (ApiException) when (trust.PinnedSha256 is null && !insecure && trust.PresentedSha256 is { } presented && CanAsk())
            {
                output.Error.WriteLine($"The appliance's certificate is not trusted. Its SHA-256 fingerprint is\n  {CertificateTrust.Display(presented)}");
                output.Error.Write("Compare it with the portal's Overview page. Pin it? [y/N] ");
                if (!string.Equals(Console.ReadLine()?.Trim(), "y", StringComparison.OrdinalIgnoreCase))
                    throw new CliException("login: certificate not accepted");
                trust = new CertificateTrust(presented, false);
                token = await TakeTokenAsync(url, trust, name, secret, parse.GetValue(label)!, ct);
            }

            var pin = trust.PinnedSha256 ?? (trust.PresentedErrors == global::System.Net.Security.SslPolicyErrors.None || insecure ? null : trust.PresentedSha256);
            var path = ConfigFile.DefaultPath();
            ConfigFile.Save(path, new CliConfig(url.GetLeftPart(UriPartial.Authority), token, name, pin, insecure));
            output.Line($"Logged in to {url.GetLeftPart(UriPartial.Authority)} as {name}; token stored in {path}" +
                        (pin is not null ? $" (certificate SHA-256 {CertificateTrust.Display(pin)} pinned)" : insecure ? " (certificate not checked: --insecure)" : ""));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<string> TakeTokenAsync(Uri url, CertificateTrust trust, string user, string password, string label, CancellationToken ct)
    {
        using var api = new ApiClient(url, null, trust);
        try
        {
            var answer = await api.PostJsonAsync("/auth/token", new { username = user, password, label }, ct);
            return answer.Text("token") is { Length: > 0 } token ? token : throw new ApiException("login: the appliance answered without a token");
        }
        catch (ApiException ex) when (ex.Status == 401)
        {
            throw new ApiException("login refused: wrong user name or password", 401);
        }
        catch (ApiException ex) when (ex.Status == 429)
        {
            throw new ApiException("login refused: " + (ex.Detail ?? "too many failed attempts, try again later"), 429);
        }
    }

    private static bool CanAsk() => !Console.IsInputRedirected && !Console.IsErrorRedirected;

    /// <summary>Asks for the password without echo; with redirected input (older scripts), reads the first line.</summary>
    private static string ReadPassword(Output output) =>
        Console.IsInputRedirected
            ? Console.In.ReadLine() ?? throw new CliException("login: no password given (--password-stdin, a terminal, or APPLIANCE_PASSWORD)", usage: true)
            : PasswordInput.Prompt(output.Error, "Password");
}
