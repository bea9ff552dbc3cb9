using System.CommandLine;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary><c>appliancectl status</c>: version, uptime, CPU, memory, disk, temperature, overall and per-component health.</summary>
public static class StatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("status", "Show the appliance's version, resources and health");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var status = await session.Api.GetAsync("/api/v1/status", ct);
            var health = await session.Api.GetAsync("/api/v1/health", ct);
            var output = session.Output;
            if (output.Json)
            {
                output.WriteJson(JsonSerializer.SerializeToElement(new { status, health }));
                return ExitCodes.Ok;
            }
            var system = status.Child("system") ?? default;
            var memTotal = system.Number("memoryTotalBytes");
            var memAvailable = system.Number("memoryAvailableBytes");
            var diskTotal = system.Number("diskTotalBytes");
            var diskFree = system.Number("diskFreeBytes");
            var temperature = system.Number("temperatureCelsius");
            output.Table(["", ""],
            [
                ["appliance", $"{system.Text("version")} on {system.Text("hostname")} ({session.Api.BaseUri.GetLeftPart(UriPartial.Authority)})"],
                ["health", status.Text("health")],
                ["uptime", $"host {Json.Duration(system.Number("hostUptimeSeconds"))}, appliance {Json.Duration(system.Number("processUptimeSeconds"))}"],
                ["cpu", $"{Json.Fixed(system.Number("cpuPercent"))} %"],
                ["memory", $"{Json.Bytes(memTotal - memAvailable)} used of {Json.Bytes(memTotal)} (appliance {Json.Bytes(system.Number("processRssBytes"))})"],
                ["disk", $"{Json.Bytes(diskFree)} free of {Json.Bytes(diskTotal)}"],
                ["temperature", temperature is { } t ? $"{Json.Fixed(t)} °C" : "not exposed by this board"],
                ["plugins", $"{status.Text("plugins")} installed, {status.Text("pluginsRunning")} running, {status.Text("pluginsFailed")} failed"],
            ], maxCell: 120);
            var components = health.Items("components").ToList();
            if (components.Count > 0)
            {
                output.Line();
                output.Table(["OWNER", "COMPONENT", "STATE", "MESSAGE"],
                    components.Select(c => (IReadOnlyList<string>)[c.Text("owner"), c.Text("component"), c.Text("state"), c.Text("message")]));
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
