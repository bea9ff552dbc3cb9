using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl plugins config get &lt;plugin&gt; [key]</c> (the configuration in force, secrets never shown) and
/// <c>appliancectl plugins config set &lt;plugin&gt; &lt;key&gt; &lt;value&gt;</c> (one setting; the appliance validates it
/// against the plugin's schema and restarts the plugin). Keys are dotted, e.g. <c>rtsp.port</c>.
/// </summary>
public static class PluginConfigCommands
{
    public static Command Create(GlobalOptions globals)
    {
        var config = new Command("config", "Read or change a plugin's configuration");
        config.Subcommands.Add(Get(globals));
        config.Subcommands.Add(Set(globals));
        return config;
    }

    private static Argument<string> PluginArgument() => new("plugin") { Description = "Plugin id, e.g. appliance.rtsp" };

    private static Command Get(GlobalOptions globals)
    {
        var plugin = PluginArgument();
        var key = new Argument<string?>("key") { Description = "One setting (dotted, e.g. rtsp.port); all when left out", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("get", "Show a plugin's configuration in force (defaults filled in, secrets masked)") { plugin, key };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var view = await session.Api.GetAsync($"/api/v1/plugins/{Uri.EscapeDataString(parse.GetValue(plugin)!)}/config", ct);
            var secrets = view.Items("secretsSet").Select(Json.Show).ToHashSet(StringComparer.Ordinal);
            var settings = Flatten(view.Child("config") ?? default, "").ToList();
            if (parse.GetValue(key) is { } wanted)
            {
                var match = settings.Where(s => s.Key == wanted).ToList();
                if (match.Count == 0) throw new CliException($"plugin {parse.GetValue(plugin)} has no setting '{wanted}' (see 'appliancectl plugins config get {parse.GetValue(plugin)}')");
                if (session.Output.Json) session.Output.WriteJson(JsonSerializer.SerializeToElement(new { key = wanted, value = match[0].Value, secretSet = secrets.Contains(wanted) }));
                else session.Output.Line(Display(match[0].Key, match[0].Value, secrets));
                return ExitCodes.Ok;
            }
            if (session.Output.Json) session.Output.WriteJson(view);
            else session.Output.Table(["KEY", "VALUE"], settings.Select(s => (IReadOnlyList<string>)[s.Key, Display(s.Key, s.Value, secrets)]), maxCell: 1000);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(GlobalOptions globals)
    {
        var plugin = PluginArgument();
        var key = new Argument<string>("key") { Description = "The setting (dotted, e.g. rtsp.port)" };
        var value = new Argument<string?>("value")
        {
            Description = "The new value: a number, true/false, a JSON array or object, or text (see --string)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var asString = new Option<bool>("--string") { Description = "Take the value as text even when it reads as a number, true/false or JSON" };
        var fromStdin = new Option<bool>("--value-stdin") { Description = "Read the value from the first line of standard input (for secrets)" };
        var command = new Command("set", "Change one setting; the appliance checks it against the plugin's schema and restarts the plugin")
        {
            plugin, key, value, asString, fromStdin,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(value) is not null) == result.GetValue(fromStdin))
                result.AddError("plugins config set: give the value as an argument or with --value-stdin (one of them)");
        });
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var text = parse.GetValue(fromStdin) ? PasswordInput.FromStdin(Console.In, "value") : parse.GetValue(value)!;
            var body = new { value = parse.GetValue(asString) ? JsonSerializer.SerializeToElement(text) : ValueOf(text) };
            var id = parse.GetValue(plugin)!;
            var status = await session.Api.SendAsync(HttpMethod.Put,
                $"/api/v1/plugins/{Uri.EscapeDataString(id)}/config/{Uri.EscapeDataString(parse.GetValue(key)!)}", JsonContent.Create(body), ct);
            return PluginsCommands.Report(session.Output, status, "configured");
        });
        return command;
    }

    /// <summary>Text as a JSON value: a number, true, false, null, an array or object when it parses as one; else a string.</summary>
    public static JsonElement ValueOf(string text)
    {
        var trimmed = text.Trim();
        var looksJson = trimmed.Length > 0 && (trimmed[0] is '{' or '[' or '-' || char.IsAsciiDigit(trimmed[0]) || trimmed is "true" or "false" or "null");
        if (looksJson)
        {
            try
            {
                return JsonSerializer.Deserialize<JsonElement>(trimmed);
            }
            catch (JsonException)
            {
                // Text after all, e.g. "1st floor".
            }
        }
        return JsonSerializer.SerializeToElement(text);
    }

    /// <summary>Every leaf of the configuration as (dotted key, value); an empty object or an array is one leaf.</summary>
    private static IEnumerable<(string Key, JsonElement Value)> Flatten(JsonElement element, string prefix)
    {
        if (element.ValueKind != JsonValueKind.Object) yield break;
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            if (property.Value.ValueKind == JsonValueKind.Object && property.Value.EnumerateObject().Any())
                foreach (var leaf in Flatten(property.Value, key)) yield return leaf;
            else yield return (key, property.Value);
        }
    }

    private static string Display(string key, JsonElement value, HashSet<string> secrets) =>
        secrets.Contains(key) ? "(secret, set)"
        : value.ValueKind == JsonValueKind.Null ? ""
        : value.ValueKind == JsonValueKind.String ? value.GetString()! : JsonText.Serialize(value, indented: false);
}
