using System.CommandLine;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>Runs a command's body and turns every expected failure into a message and an exit code.</summary>
public static class CommandRunner
{
    public delegate Task<int> SessionAction(CliSession session, ParseResult parse, CancellationToken ct);

    public delegate Task<int> OutputAction(Output output, ParseResult parse, CancellationToken ct);

    /// <summary>For commands that talk to a logged-in appliance.</summary>
    public static void SetSessionAction(this Command command, GlobalOptions globals, SessionAction action) =>
        command.SetAction((parse, ct) => RunAsync(parse, globals, async output =>
        {
            using var session = CliSession.Open(parse, globals, output);
            return await action(session, parse, ct);
        }));

    /// <summary>For commands that build their own connection (login).</summary>
    public static void SetOutputAction(this Command command, GlobalOptions globals, OutputAction action) =>
        command.SetAction((parse, ct) => RunAsync(parse, globals, output => action(output, parse, ct)));

    private static async Task<int> RunAsync(ParseResult parse, GlobalOptions globals, Func<Output, Task<int>> body)
    {
        var output = new Output(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(globals.Json));
        try
        {
            return await body(output);
        }
        catch (CliException ex)
        {
            output.Fail(ex.Message, ex.Usage ? "usage" : "failed");
            return ex.Usage ? ExitCodes.Usage : ExitCodes.Failed;
        }
        catch (ApiException ex)
        {
            output.Fail(CliError.From(ex));
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            output.Fail("cancelled", "cancelled");
            return ExitCodes.Failed;
        }
        catch (IOException ex)
        {
            output.Fail(ex.Message, "io");
            return ExitCodes.Failed;
        }
    }
}
