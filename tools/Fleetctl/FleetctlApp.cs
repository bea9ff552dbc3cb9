using System.CommandLine;

namespace Appliance.Tools.Fleetctl;

/// <summary>The command tree: <c>list</c>, <c>status</c>, <c>send</c>, <c>watch</c> (one file each).</summary>
public static class FleetctlApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 64;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var globals = new FleetGlobals();
        var root = new RootCommand("Operate a fleet of appliances through its MQTT broker.");
        globals.AddTo(root);
        root.Subcommands.Add(ListCommand.Create(globals, stdout, stderr));
        root.Subcommands.Add(SendCommand.CreateStatus(globals, stdout, stderr));
        root.Subcommands.Add(SendCommand.Create(globals, stdout, stderr));
        root.Subcommands.Add(WatchCommand.Create(globals, stdout, stderr));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await stderr.WriteLineAsync($"fleetctl: {error.Message}");
            return Usage;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancel.Token);
    }
}

/// <summary>Options every command takes: the broker, the fleet CA and the fleet's certificate and key.</summary>
public sealed class FleetGlobals
{
    public Option<string> Broker { get; } = new("--broker") { Description = "The broker, host:port", Recursive = true, Required = true };

    public Option<string> Ca { get; } = new("--ca") { Description = "PEM of the fleet CA", Recursive = true, Required = true };

    public Option<string> Cert { get; } = new("--cert") { Description = "PEM of the fleet's client certificate", Recursive = true, Required = true };

    public Option<string> Key { get; } = new("--key") { Description = "PEM of its private key", Recursive = true, Required = true };

    public Option<string> Prefix { get; } = new("--prefix") { Description = "Topic prefix", Recursive = true, DefaultValueFactory = _ => "appliance" };

    public Option<bool> Json { get; } = new("--json") { Description = "One JSON object per line", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Broker);
        root.Options.Add(Ca);
        root.Options.Add(Cert);
        root.Options.Add(Key);
        root.Options.Add(Prefix);
        root.Options.Add(Json);
    }

    public FleetOptions Read(ParseResult parse) =>
        new(parse.GetValue(Broker), parse.GetValue(Ca), parse.GetValue(Cert), parse.GetValue(Key), parse.GetValue(Prefix) ?? "appliance");

    /// <summary>Connects, runs <paramref name="action"/>, and turns a connection failure into a clear message and exit code 1.</summary>
    public async Task<int> WithSessionAsync(ParseResult parse, TextWriter stderr, CancellationToken ct, Func<FleetSession, Task<int>> action)
    {
        var session = await FleetSession.ConnectAsync(Read(parse), ct);
        if (!session.TryGetValue(out var connected, out var failure))
        {
            await stderr.WriteLineAsync($"fleetctl: {failure.Message}");
            return FleetctlApp.Failed;
        }
        await using (connected) return await action(connected);
    }
}
