using System.Security.Cryptography;
using Appliance.Host.Network;
using Appliance.NetCheck.Checks;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages.Network;

/// <summary>The network doctor: runs every check on request and shows status, latency, detail and remediation.</summary>
public sealed class DoctorModel(NetworkDoctorService doctor) : PageModel
{
    public IReadOnlyList<CheckResult>? Results { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset? RanAt { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostRunAsync(CancellationToken ct)
    {
        try
        {
            Results = await doctor.RunAsync(ct);
            RanAt = DateTimeOffset.UtcNow;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or CryptographicException or FormatException)
        {
            // Invalid doctor settings in the configuration (e.g. a malformed DNS server address or CA file).
            Error = "The network doctor cannot run with this configuration: " + ex.Message;
        }
    }

    public int Count(CheckStatus status) => Results?.Count(r => r.Status == status) ?? 0;

    public static string Css(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "check-pass",
        CheckStatus.Warn => "check-warn",
        _ => "check-fail",
    };
}
