using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Pos.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Pos;

/// <summary>One register group: its name, its port (inside the declared range), its camera, its text encoding and rules.</summary>
internal sealed record RegisterSettings(string Name, int Port, string? CameraId, Encoding Encoding, RegisterRules Rules, decimal? RefundThreshold);

/// <summary>The plugin's configuration, checked: every error found is reported at once with its path.</summary>
internal sealed record PosSettings(
    IReadOnlyList<RegisterSettings> Registers,
    IPAddress? BindAddress,
    TimeSpan IdleTimeout,
    int MaxConnections,
    Uri? ForwardUrl,
    CertificatePin? ForwardPin,
    TimeSpan ForwardTimeout,
    TimeSpan Retention)
{
    public static Result<PosSettings> Read(JsonElement config)
    {
        var errors = new List<string>();
        var range = ParseRange(config.GetProperty("portRange").GetString() ?? "");
        if (range is null) errors.Add("portRange: expected first-last (e.g. 46000-46099)");
        IPAddress? bind = null;
        var bindText = config.GetProperty("bindAddress").GetString() ?? "";
        if (bindText.Length > 0 && !IPAddress.TryParse(bindText, out bind)) errors.Add($"bindAddress: '{bindText}' is not an IP address");
        var registers = new List<RegisterSettings>();
        var i = 0;
        foreach (var item in config.GetProperty("registers").EnumerateArray())
        {
            var path = $"registers[{i++}]";
            if (ReadRegister(item, path, range, errors) is { } register)
            {
                if (registers.Any(r => r.Name == register.Name)) errors.Add($"{path}.name: '{register.Name}' is used twice");
                else if (registers.Any(r => r.Port == register.Port)) errors.Add($"{path}.port: {register.Port} is used by another register group");
                else registers.Add(register);
            }
        }
        Uri? forward = null;
        var forwardText = config.GetProperty("forwardUrl").GetString() ?? "";
        if (forwardText.Length > 0 && (!Uri.TryCreate(forwardText, UriKind.Absolute, out forward) || forward.Scheme != Uri.UriSchemeHttps))
            errors.Add($"forwardUrl: '{forwardText}' is not an https:// URL");
        var pin = CertificatePin.Parse(config.GetProperty("forwardCertificateSha256").GetString());
        if (!pin.IsOk) errors.Add($"forwardCertificateSha256: {pin.Failure!.Message}");
        if (errors.Count > 0) return Failure.Invalid(errors);
        return new PosSettings(registers, bind, TimeSpan.FromSeconds(config.GetProperty("idleTimeoutSeconds").GetInt32()),
            config.GetProperty("maxConnections").GetInt32(), forward, pin.Value, TimeSpan.FromSeconds(config.GetProperty("forwardTimeoutSeconds").GetInt32()),
            TimeSpan.FromDays(config.GetProperty("retentionDays").GetInt32()));
    }

    private static (int First, int Last)? ParseRange(string text)
    {
        var parts = text.Split('-');
        if (parts.Length is < 1 or > 2) return null;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)) return null;
        var last = first;
        if (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)) return null;
        return first is >= 1 and <= 65535 && last >= first && last <= 65535 ? (first, last) : null;
    }

    private static RegisterSettings? ReadRegister(JsonElement item, string path, (int First, int Last)? range, List<string> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object");
            return null;
        }
        var before = errors.Count;
        var name = String(item, "name") ?? "";
        if (name.Length is < 1 or > 64) errors.Add($"{path}.name: 1 to 64 characters");
        var port = item.TryGetProperty("port", out var p) && p.TryGetInt32(out var n) ? n : 0;
        if (range is { } r && (port < r.First || port > r.Last)) errors.Add($"{path}.port: {port} is outside portRange {r.First}-{r.Last}");
        Encoding encoding = new UTF8Encoding(false, false);
        var encodingName = String(item, "encoding");
        if (encodingName is { Length: > 0 } && !encodingName.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                encoding = CodePagesEncodingProvider.Instance.GetEncoding(encodingName) ?? Encoding.GetEncoding(encodingName);
            }
            catch (ArgumentException)
            {
                errors.Add($"{path}.encoding: unknown encoding '{encodingName}'");
            }
        }
        var patterns = new Dictionary<string, string?>();
        if (item.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Object)
            foreach (var rule in rules.EnumerateObject()) patterns[rule.Name] = rule.Value.ValueKind == JsonValueKind.String ? rule.Value.GetString() : null;
        var maxLines = item.TryGetProperty("maxLines", out var m) && m.TryGetInt32(out var ml) ? ml : 500;
        var cutEnds = !item.TryGetProperty("cutEnds", out var c) || c.ValueKind != JsonValueKind.False;
        var compiled = RegisterRules.Create(patterns, maxLines, cutEnds, $"{path}.rules");
        if (!compiled.IsOk) errors.AddRange(compiled.Failure!.Errors);
        decimal? threshold = item.TryGetProperty("refundThreshold", out var t) && t.TryGetDecimal(out var td) ? td : null;
        return errors.Count == before ? new RegisterSettings(name, port, String(item, "cameraId"), encoding, compiled.Value, threshold) : null;
    }

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
