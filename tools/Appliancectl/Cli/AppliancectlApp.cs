using System.CommandLine;
using Appliance.Tools.Appliancectl.Commands;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>
/// The command tree. Each command group lives in its own file under <c>Commands/</c> and is added here
/// with one line (e.g. <c>root.Subcommands.Add(NetworkCommands.Create(globals));</c>).
/// </summary>
public static class AppliancectlApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("Operate an appliance through its HTTP API.");
        globals.AddTo(root);
        root.Subcommands.Add(LoginCommand.Create(globals));
        root.Subcommands.Add(StatusCommand.Create(globals));
        root.Subcommands.Add(PluginsCommands.Create(globals));
        root.Subcommands.Add(EventsCommands.Create(globals));
        root.Subcommands.Add(CamerasCommands.Create(globals));
        root.Subcommands.Add(NetworkCommands.Create(globals));
        root.Subcommands.Add(NetcheckCommand.Create(globals));
        root.Subcommands.Add(SecurityCommands.Create(globals));
        root.Subcommands.Add(SystemCommands.Create(globals));
        root.Subcommands.Add(AccessCommands.Tokens(globals));
        root.Subcommands.Add(AccessCommands.Users(globals));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var output = new Output(stdout, stderr, parse.GetValue(globals.Json));
            foreach (var error in parse.Errors) output.Fail(error.Message, "usage");
            output.Note("run 'appliancectl --help' for usage");
            return ExitCodes.Usage;
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
