using System.CommandLine;
using Appliance.Tools.Appliancectl.Cli;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl system support-bundle [-o FILE]</c>: downloads <c>GET /api/v1/system/support-bundle</c> (a .tar.gz:
/// versions, health, configuration without secrets, network requirements, recent events and logs). Without
/// <c>-o</c> the file gets the appliance's name for it in the current folder. The file appears only when complete.
/// </summary>
public static class SupportBundleCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var output = new Option<string>("--output", "-o") { Description = "Where to write the bundle (default: the appliance's file name in the current folder)" };
        var command = new Command("support-bundle", "Download a support bundle (versions, health, configuration without secrets, events, logs)") { output };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            using var response = await session.Api.OpenDownloadAsync("/api/v1/system/support-bundle", ct);
            var suggested = Path.GetFileName(response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "");
            var path = Path.GetFullPath(parse.GetValue(output) ?? (suggested.Length > 0 ? suggested : "appliance-support.tar.gz"));
            var partial = path + ".part";
            try
            {
                await using (var file = File.Create(partial))
                    await (await response.Content.ReadAsStreamAsync(ct)).CopyToAsync(file, ct);
                File.Move(partial, path, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (File.Exists(partial)) File.Delete(partial);
                throw new ApiException($"cannot write {path}: {ex.Message}");
            }
            var bytes = new FileInfo(path).Length;
            if (session.Output.Json) session.Output.WriteJson(System.Text.Json.JsonSerializer.SerializeToElement(new { path, bytes }));
            else session.Output.Line($"wrote {path} ({bytes} bytes)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
