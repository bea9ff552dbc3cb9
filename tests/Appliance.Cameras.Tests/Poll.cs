namespace Appliance.Cameras.Tests;

internal static class Poll
{
    /// <summary>Polls until <paramref name="read"/> returns a value that satisfies <paramref name="done"/>; returns the last value read.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            value = await read();
        }
        return value;
    }
}
