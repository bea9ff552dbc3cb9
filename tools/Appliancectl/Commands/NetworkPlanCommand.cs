using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl network plan [--input site.json] [--print-input]</c>: upload bandwidth and data per 30 days.
/// Without an input, the appliance's own starting input (its cameras, measured where possible) is used.
/// </summary>
public static class NetworkPlanCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var input = new Option<FileInfo?>("--input", "-i") { Description = "Plan input JSON (default: built by the appliance from its cameras)" };
        var printInput = new Option<bool>("--print-input") { Description = "Print the input (e.g. the appliance's default) instead of planning; edit it and pass it back with --input" };
        var command = new Command("plan", "Estimate the site's upload bandwidth and monthly data use (streams, viewing, data categories)") { input, printInput };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var file = parse.GetValue(input);
            var json = file is null
                ? (await session.Api.GetAsync("/api/v1/network/plan/defaults", ct)).GetRawText()
                : await NetworkCommands.ReadInputAsync(file, ct);
            if (parse.GetValue(printInput))
            {
                session.Output.Out.WriteLine(json.TrimEnd());
                return ExitCodes.Ok;
            }
            var content = new StringContent(json, new UTF8Encoding(false));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            var plan = await session.Api.SendAsync(HttpMethod.Post, "/api/v1/network/plan", content, ct);
            if (session.Output.Json) session.Output.WriteJson(plan);
            else Print(session.Output, plan);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(Output output, JsonElement plan)
    {
        var peak = plan.Number("peakUploadKbps") ?? 0;
        var recommended = plan.Number("recommendedUploadKbps") ?? 5000;
        output.Table(["", ""],
        [
            ["peak upload", $"{Kbps(peak)} (recommended site upload: {Kbps(recommended)})"],
            ["data per 30 days", $"{Mb(plan.Number("totalMbPer30Days"))} MB ({Mb(plan.Number("averageMbPerDay"))} MB a day on average)"],
        ], maxCell: 200);
        output.Line();
        output.Table(["VIEWERS", "GRID", "STREAM", "HOURS/DAY", "PER VIEWER", "UPLOAD"],
            plan.Items("viewing").Select(v => (IReadOnlyList<string>)[v.Text("viewers"), v.Text("gridSize"),
                v.Text("stream").ToUpperInvariant() + (v.Text("choice") == "auto" ? " (auto)" : ""), v.Text("hoursPerDay"),
                Kbps(v.Number("kbpsPerViewer") ?? 0), Kbps(v.Number("kbps") ?? 0)]));
        output.Line();
        var data = plan.Items("data").Select(l => (IReadOnlyList<string>)[l.Text("category"), Mb(l.Number("mbPer30Days")), Mb(l.Number("mbPerDay"))]).ToList();
        data.Add(["Estimated total", Mb(plan.Number("totalMbPer30Days")), Mb(plan.Number("averageMbPerDay"))]);
        output.Table(["USAGE CATEGORY", "MB/30 DAYS", "MB/DAY"], data, maxCell: 100);
        foreach (var advice in plan.Items("advice")) output.Line($"advice: {Json.Show(advice)}");
    }

    private static string Kbps(double kbps) =>
        kbps >= 1000 ? (kbps / 1000).ToString("0.0#", CultureInfo.InvariantCulture) + " Mbps" : kbps.ToString("0", CultureInfo.InvariantCulture) + " kbps";

    private static string Mb(double? mb) => mb is { } v ? v.ToString(v < 10 ? "0.##" : "0.#", CultureInfo.InvariantCulture) : "";
}
