using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Shared;
using Appliance.Plugins.Webhooks.Protocol;

namespace Appliance.Plugins.Webhooks;

/// <summary>A receiver and, for a site's own receiver with a self-signed certificate, the one certificate it must present.</summary>
internal sealed record ConfiguredTarget(WebhookTarget Target, CertificatePin? Pin);

/// <summary>Reads the <c>targets</c> setting: every item needs a unique name, an http(s) URL and a whsec_ secret;
/// <c>certificateSha256</c> (optional) pins the receiver's certificate.</summary>
internal static class WebhookTargets
{
    public const int MaxTargets = 32;

    public static Result<IReadOnlyList<ConfiguredTarget>> Parse(JsonElement targets)
    {
        if (targets.ValueKind != JsonValueKind.Array) return Result<IReadOnlyList<ConfiguredTarget>>.Fail("malformed", "targets: expected an array");
        if (targets.GetArrayLength() > MaxTargets) return Result<IReadOnlyList<ConfiguredTarget>>.Fail("too-large", $"targets: at most {MaxTargets}");
        var list = new List<ConfiguredTarget>();
        var errors = new List<string>();
        var i = 0;
        foreach (var item in targets.EnumerateArray())
        {
            var path = $"targets[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: expected an object"); continue; }
            var name = Text(item, "name");
            var url = Text(item, "url");
            var secretText = Text(item, "secret");
            var timeout = item.TryGetProperty("timeoutSeconds", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var s) ? s : 10;
            if (string.IsNullOrWhiteSpace(name) || name.Length > 64) errors.Add($"{path}.name: 1 to 64 characters");
            else if (list.Any(x => x.Target.Name == name)) errors.Add($"{path}.name: \"{name}\" is used by another target");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                errors.Add($"{path}.url: expected an https:// URL");
            var secret = WebhookSecret.Parse(secretText);
            if (!secret.IsOk) errors.Add($"{path}.secret: {secret.Failure!.Message}");
            if (timeout < 1 || timeout > 120) errors.Add($"{path}.timeoutSeconds: 1 to 120");
            var pin = CertificatePin.Parse(Text(item, "certificateSha256"));
            if (!pin.IsOk) errors.Add($"{path}.{pin.Failure!.Message}");
            if (errors.Count == 0) list.Add(new ConfiguredTarget(new WebhookTarget(name!, uri!, secret.Value, TimeSpan.FromSeconds(timeout)), pin.Value));
        }
        return errors.Count > 0 ? Result<IReadOnlyList<ConfiguredTarget>>.Fail("invalid-config", string.Join("; ", errors)) : list;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
