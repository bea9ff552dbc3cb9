using System.CommandLine;
using System.Text;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>
/// Secrets kept off the command line (shell history, <c>ps</c>): <c>--password-stdin</c> reads the first line of
/// standard input; on a terminal the password is asked for without echo. <c>--password</c> is still accepted for
/// old scripts but discouraged.
/// </summary>
public static class PasswordInput
{
    public static Option<string?> DiscouragedOption(string what) => new("--password")
    {
        Description = $"{what} (discouraged: visible in shell history and the process list; use --password-stdin)",
    };

    public static Option<bool> StdinOption(string what) => new("--password-stdin")
    {
        Description = $"Read {what} from the first line of standard input",
    };

    /// <summary>The first line of <paramref name="stdin"/> (without its line end); an empty or missing line is refused.</summary>
    public static string FromStdin(TextReader stdin, string what)
    {
        var line = stdin.ReadLine();
        return string.IsNullOrEmpty(line)
            ? throw new CliException($"--password-stdin: standard input holds no {what} (give it on the first line)", usage: true)
            : line;
    }

    /// <summary>Asks on the terminal without echo (stderr carries the prompt, so stdout stays clean).</summary>
    public static string Prompt(TextWriter prompt, string label)
    {
        prompt.Write($"{label}: ");
        var builder = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (builder.Length > 0) builder.Length--;
                continue;
            }
            if (!char.IsControl(key.KeyChar)) builder.Append(key.KeyChar);
        }
        prompt.WriteLine();
        return builder.ToString();
    }

    /// <summary>Refuses <c>--password</c> and <c>--password-stdin</c> together.</summary>
    public static void RefuseBoth(this Command command, Option<string?> password, Option<bool> stdin) =>
        command.Validators.Add(result =>
        {
            if (result.GetResult(password) is not null && result.GetValue(stdin))
                result.AddError("give --password or --password-stdin, not both");
        });
}
