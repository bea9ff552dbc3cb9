using Appliance.Access.Tests.Support;
using Appliance.Host.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Access.Tests.Login;

/// <summary>The throttle alone, on a hand-moved clock: decay, management sources, atomic reservations.</summary>
public sealed class ThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AWrongLoginEveryFewMinutes_ForADay_NeverKeepsTheAdministratorOut()
    {
        var clock = new FakeTimeProvider(Start);
        var throttle = new LoginThrottle(clock);
        var attackerRefused = 0;
        for (var minute = 0; minute < 24 * 60; minute += 3)
        {
            var attacker = throttle.TryAdmit("admin", "192.0.2.66", fromManagement: false);
            if (!attacker.Admitted) attackerRefused++;
            // The administrator, from a management source, is admitted every time.
            var admin = throttle.TryAdmit("admin", "10.0.0.5", fromManagement: true);
            Assert.True(admin.Admitted, $"the administrator was refused at minute {minute}");
            throttle.Succeeded(admin);
            clock.Advance(TimeSpan.FromMinutes(3));
        }
        Console.WriteLine($"attacker refused {attackerRefused} of {24 * 20} attempts");
    }

    [Fact]
    public void AfterTheAttackerStops_EvenSourcesOutsideManagement_AreAdmittedAgain_BecauseFailuresDecay()
    {
        var clock = new FakeTimeProvider(Start);
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < 30; i++)
        {
            throttle.TryAdmit("admin", "192.0.2.66", fromManagement: false);
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.False(throttle.TryAdmit("admin", "192.0.2.77", fromManagement: false).Admitted);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(throttle.TryAdmit("admin", "192.0.2.77", fromManagement: false).Admitted);
    }

    [Fact]
    public void TheDelay_GrowsExponentially_AndIsCapped()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), LoginThrottle.Delay(5));
        Assert.Equal(TimeSpan.FromSeconds(60), LoginThrottle.Delay(6));
        Assert.Equal(TimeSpan.FromSeconds(120), LoginThrottle.Delay(7));
        Assert.Equal(LoginThrottle.MaxDelay, LoginThrottle.Delay(50));
    }

    [Fact]
    public void ParallelAdmissions_AdmitAtMostTheFreeFailures()
    {
        var throttle = new LoginThrottle(new FakeTimeProvider(Start));
        var admitted = 0;
        Parallel.For(0, 200, _ =>
        {
            if (throttle.TryAdmit("admin", "192.0.2.1", fromManagement: false).Admitted) Interlocked.Increment(ref admitted);
        });
        Assert.Equal(LoginThrottle.FreeFailures, admitted);
    }
}
