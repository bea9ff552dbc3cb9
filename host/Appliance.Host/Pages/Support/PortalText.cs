using System.Globalization;

namespace Appliance.Host.Pages.Support;

/// <summary>How the portal writes numbers, sizes, durations and times.</summary>
public static class PortalText
{
    public static string Bytes(long bytes)
    {
        double value = bytes;
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    public static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h {span.Minutes} min"
            : span.TotalHours >= 1 ? $"{span.Hours} h {span.Minutes} min"
            : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds} s"
            : $"{span.Seconds} s";
    }

    public static string Number(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Percent(double part, double whole) =>
        whole <= 0 ? "" : (100.0 * part / whole).ToString("0", CultureInfo.InvariantCulture) + " %";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A URL as it can be shown: the password of any user-info part replaced by <c>***</c>.</summary>
    public static string WithoutPassword(string? url)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.UserInfo.Contains(':')) return url ?? "";
        var user = uri.UserInfo[..uri.UserInfo.IndexOf(':')];
        return new UriBuilder(uri) { UserName = user, Password = "***" }.Uri.ToString();
    }
}
