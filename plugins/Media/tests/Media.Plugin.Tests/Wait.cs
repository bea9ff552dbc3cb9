namespace Appliance.Plugins.Media.Plugin.Tests;

internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until true or the (generous) deadline; returns whether it became true.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(100);
        }
        return condition();
    }
}
