namespace Appliance.Host.SystemServices.Liveness;

/// <summary>
/// When the watchdog's rounds run and how long their checks may take, for systemd's <c>WatchdogSec=</c>
/// (<paramref name="timeout"/>). A round starts every sixth of the timeout; its checks may answer until 0.8 of the
/// timeout has passed since the last pet (at least one period). So a loop that is slow but answers (a busy or
/// emulated CPU) still gets the host petted in time, and one that makes no progress for about the whole timeout
/// stops the petting and systemd restarts the host. (Rounds every half timeout with a fixed 0.4 timeout each let one
/// slow answer kill the host, in a TCG emulator right after its start.)
/// </summary>
public sealed record WatchdogSchedule(TimeSpan Timeout)
{
    public TimeSpan Period => Timeout / 6;

    /// <summary>How long this round's checks may take, <paramref name="sinceLastPet"/> after the last pet.</summary>
    public TimeSpan CheckDeadline(TimeSpan sinceLastPet)
    {
        var left = Timeout * 0.8 - sinceLastPet;
        return left > Period ? left : Period;
    }

    /// <summary>How long to wait before the next round, after one that took <paramref name="roundTook"/>.</summary>
    public TimeSpan NextRoundIn(TimeSpan roundTook) => roundTook < Period ? Period - roundTook : TimeSpan.Zero;
}
