using System.CommandLine;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>Options every command accepts (they override what <c>login</c> stored).</summary>
public sealed class GlobalOptions
{
    public Option<Uri?> Url { get; } = new("--url")
    {
        Description = "The appliance's address, e.g. https://127.0.0.1:8443 (default: the one stored by login)",
        Recursive = true,
        CustomParser = result => ParseUrl(result.Tokens.Count == 0 ? "" : result.Tokens[0].Value, result),
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "API token to use instead of the stored one (or APPLIANCE_TOKEN)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the API's JSON instead of a table",
        Recursive = true,
    };

    public Option<bool> Insecure { get; } = new("--insecure")
    {
        Description = "Accept any TLS certificate (prefer the fingerprint pinned at login)",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Url);
        root.Options.Add(Token);
        root.Options.Add(Json);
        root.Options.Add(Insecure);
    }

    private static Uri? ParseUrl(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Host.Length > 0)
            return uri;
        var hint = uri?.Scheme is "rtsp" or "rtsps" ? " (a camera's stream goes in --stream-uri)" : "";
        result.AddError($"--url: '{text}' is not an http(s) address such as https://127.0.0.1:8443{hint}");
        return null;
    }
}
