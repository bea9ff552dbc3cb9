using System.CommandLine;
using Appliance.Tools.Appliancectl.Config;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>What a command works with: the API client (address, token, certificate trust resolved) and the output.</summary>
public sealed class CliSession(ApiClient api, Output output) : IDisposable
{
    public ApiClient Api { get; } = api;

    public Output Output { get; } = output;

    /// <summary>
    /// Resolves the appliance address and token: <c>--url</c>/<c>--token</c>, then <c>APPLIANCE_URL</c>/<c>APPLIANCE_TOKEN</c>,
    /// then the stored config. The stored token and pinned fingerprint are used only for the stored address.
    /// </summary>
    public static CliSession Open(ParseResult parse, GlobalOptions globals, Output output)
    {
        var loaded = ConfigFile.Load(ConfigFile.DefaultPath());
        if (!loaded.IsOk) throw new CliException(loaded.Failure!.Message);
        var config = loaded.Value;
        var url = parse.GetValue(globals.Url) ?? FromEnvironment("APPLIANCE_URL");
        if (url is null && config is not null) url = new Uri(config.Url);
        if (url is null)
            throw new CliException("not logged in: run 'appliancectl login --url https://<appliance>:8443 --user admin' (or pass --url and --token)");
        var sameAppliance = config is not null && SameOrigin(new Uri(config.Url), url);
        var token = parse.GetValue(globals.Token);
        if (token is null && Environment.GetEnvironmentVariable("APPLIANCE_TOKEN") is { Length: > 0 } envToken) token = envToken;
        if (token is null && sameAppliance) token = config!.Token;
        if (token is null)
            throw new CliException($"no token for {url}: run 'appliancectl login --url {url}' first (or pass --token)");
        var trust = new CertificateTrust(sameAppliance ? config!.CertificateSha256 : null, parse.GetValue(globals.Insecure) || sameAppliance && config!.Insecure);
        return new CliSession(new ApiClient(url, token, trust), output);
    }

    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static Uri? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new CliException($"{name}: '{text}' is not an address")
            : null;

    public void Dispose() => Api.Dispose();
}

/// <summary>A command cannot go on; the message is shown as is. <see cref="Usage"/> selects exit code 2.</summary>
public sealed class CliException(string message, bool usage = false) : Exception(message)
{
    public bool Usage { get; } = usage;
}
