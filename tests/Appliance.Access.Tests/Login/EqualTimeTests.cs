using System.Diagnostics;
using System.Text.Json.Nodes;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Appliance.Host.Security;
using Appliance.Host.Storage;
using Microsoft.Extensions.Options;

namespace Appliance.Access.Tests.Login;

/// <summary>Finding "user names discoverable": a wrong password costs the same for known and unknown users.</summary>
public sealed class EqualTimeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("appl-access-time-").FullName;

    [Fact]
    public void AWrongPassword_TakesTheSameWork_ForAKnownAndAnUnknownUser()
    {
        var db = new Database(Path.Combine(_dir, "a.db"));
        db.Migrate();
        var users = new UserStore(db, new SecretBox(Path.Combine(_dir, "secret.key")), Options.Create(new ApplianceOptions()), TimeProvider.System);
        Assert.Null(users.CreateFirstAdmin("admin", "correct-Horse-battery-9"));
        users.CheckPassword("admin", "warm-up-the-jit");
        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            known.Add(Time(() => Assert.Null(users.CheckPassword("admin", "wrong-password-" + i))));
            unknown.Add(Time(() => Assert.Null(users.CheckPassword("nobody" + i, "wrong-password-" + i))));
        }
        var k = Median(known);
        var u = Median(unknown);
        Console.WriteLine($"median wrong password: known user {k:0.0} ms, unknown user {u:0.0} ms");
        // The old code did twice the work for unknown users (ratio ~1.85); equal work stays near 1.
        Assert.InRange(u / k, 0.7, 1.4);
    }

    private static double Time(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
