using Appliance.Host.SystemServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Tests;

/// <summary>Under systemd (JOURNAL_STREAM set) the host logs in systemd's format, so the journal knows its warnings.</summary>
public sealed class ConsoleLogFormatTests
{
    [Theory]
    [InlineData("8:123456", "systemd")]
    [InlineData(null, "simple")]
    [InlineData("", "simple")]
    public void The_console_logger_writes_syslog_priorities_only_when_its_output_goes_to_the_journal(string? journalStream, string formatter)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddApplianceConsole(journalStream));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(formatter, provider.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        Assert.Equal(formatter, ConsoleLogFormat.For(journalStream));
    }
}
