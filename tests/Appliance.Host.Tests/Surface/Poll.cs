namespace Appliance.Host.Tests.Surface;

/// <summary>Waits for a condition with a generous deadline (the machine is shared and slow), never a fixed sleep.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string? what = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not true within {timeout}: {what}");
            await Task.Delay(200);
        }
    }
}
