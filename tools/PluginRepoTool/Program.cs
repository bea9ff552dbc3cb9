using System.Globalization;
using Appliance.PluginRepository;
using Appliance.Tools.PluginRepo;

// plugin-repo keygen --out <dir> --name <name>
// plugin-repo build --out <dir> --key <file.key> --serial <n> [--valid-days <d>] --add <channel>:<hardware[,hardware]>:<zip> ...
const string usage = """
    usage:
      plugin-repo keygen --out <dir> --name <name>
          writes <dir>/<name>.key (the private seed, mode 0600) and <dir>/<name>.pub (copy it to /etc/appliance/trust/plugins/)
      plugin-repo build --out <dir> --key <file.key> --serial <n> [--valid-days <days>] --add <channel>:<models>:<zip> [--add ...]
          copies the zips to <dir>/packages/, writes <dir>/index.json and signs it (<dir>/index.json.sig);
          <models> is a comma-separated list of hardware models or * for any; the serial must grow with each publication
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}
var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"plugin-repo: unexpected '{args[i]}'\n{usage}");
        return 2;
    }
    if (!options.TryGetValue(args[i], out var values)) options[args[i]] = values = [];
    values.Add(args[++i]);
}
string? One(string name) => options.TryGetValue(name, out var v) ? v[^1] : null;

switch (args[0])
{
    case "keygen":
        if (One("--out") is not { } keyDir || One("--name") is not { } name)
        {
            Console.Error.WriteLine(usage);
            return 2;
        }
        RepositoryBuilder.GenerateKey(keyDir, name);
        Console.WriteLine($"wrote {Path.Combine(keyDir, name)}.key and .pub");
        return 0;
    case "build":
        if (One("--out") is not { } outDir || One("--key") is not { } keyFile || One("--serial") is not { } serialText
            || !long.TryParse(serialText, NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
        {
            Console.Error.WriteLine(usage);
            return 2;
        }
        var key = RepositoryKeys.ReadPrivate(File.ReadAllText(keyFile));
        if (!key.IsOk)
        {
            Console.Error.WriteLine($"plugin-repo: {keyFile}: {key.Failure!.Message}");
            return 1;
        }
        var days = double.TryParse(One("--valid-days"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 30;
        var entries = new List<PackageEntry>();
        foreach (var add in options.GetValueOrDefault("--add") ?? [])
        {
            var parts = add.Split(':', 3);
            if (parts.Length != 3)
            {
                Console.Error.WriteLine($"plugin-repo: --add '{add}' is not <channel>:<models>:<zip>");
                return 2;
            }
            entries.Add(new PackageEntry(parts[2], parts[0], parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries)));
        }
        var now = DateTimeOffset.UtcNow;
        var published = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        var built = RepositoryBuilder.Build(outDir, key.Value, serial, published, published.AddDays(days), entries);
        if (!built.IsOk)
        {
            Console.Error.WriteLine($"plugin-repo: {built.Failure!.Message}");
            return 1;
        }
        Console.WriteLine($"wrote {built.Value} (serial {serial}, {entries.Count} packages) and its signature");
        return 0;
    default:
        Console.Error.WriteLine($"plugin-repo: unknown command '{args[0]}'\n{usage}");
        return 2;
}
