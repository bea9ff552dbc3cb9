using System.Globalization;

namespace Appliance.NetCheck.Tests.Infrastructure;

public static class Fixture
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    /// <summary>The ONVIF GetSystemDateAndTimeResponse fixture filled with <paramref name="utc"/>.</summary>
    public static string OnvifDateTime(DateTimeOffset utc) => Read("onvif-GetSystemDateAndTimeResponse.xml")
        .Replace("{Year}", utc.Year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{Month}", utc.Month.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{Day}", utc.Day.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{Hour}", utc.Hour.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{Minute}", utc.Minute.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{Second}", utc.Second.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
