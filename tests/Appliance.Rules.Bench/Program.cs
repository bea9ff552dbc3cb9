using System.Globalization;
using Appliance.Benchmarking;
using Appliance.Rules.Bench;

// The three figures of issue 19, each beside its reference where one exists.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var report = BenchReport.FromArgs(args);

RuleEvaluation.Run(report);
await EventToVms.RunAsync(report);
await WebhookRate.RunAsync(report);
return report.ExitCode();
