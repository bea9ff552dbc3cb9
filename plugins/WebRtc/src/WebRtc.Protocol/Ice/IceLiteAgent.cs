using System.Net;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Stun;

namespace Appliance.Plugins.WebRtc.Protocol.Ice;

/// <summary>What the agent decided about one incoming STUN datagram.</summary>
public enum IceCheckOutcome
{
    /// <summary>Not a valid check for this session (bad integrity, fingerprint, username, role): dropped silently.</summary>
    Dropped,
    /// <summary>A valid check: answer with the response; the pair is a candidate but not yet nominated.</summary>
    Answered,
    /// <summary>A valid check with USE-CANDIDATE (or the first valid check): this remote address is now the selected path.</summary>
    Nominated,
}

/// <summary>The agent's answer: what to send back (may be empty) and what it means.</summary>
public readonly record struct IceCheckResult(IceCheckOutcome Outcome, byte[]? Response, string? Reason);

/// <summary>
/// The ICE-lite side of RFC 8445 (section 2.5): the appliance's host (or configured) candidates are gathered
/// elsewhere; this agent only answers connectivity checks from the full (controlling) peer, verifies
/// MESSAGE-INTEGRITY with the local password and FINGERPRINT, and follows nomination. Consent (RFC 7675):
/// every valid check from the selected address refreshes <see cref="LastConsent"/>; the session owner ends the
/// session when it grows older than the consent timeout. Not thread-safe: one receive loop owns it.
/// </summary>
public sealed class IceLiteAgent
{
    private readonly IceCredentials _local;
    private readonly string _remoteUfrag;
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public IceLiteAgent(IceCredentials local, string remoteUfrag, TimeProvider time)
    {
        _local = local;
        _remoteUfrag = remoteUfrag;
        _key = Encoding.UTF8.GetBytes(local.Password);
        _time = time;
        LastConsent = time.GetTimestamp();
    }

    /// <summary>The remote address media goes to, once a check nominated it.</summary>
    public IPEndPoint? Selected { get; private set; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last valid check from the selected address, or creation.</summary>
    public long LastConsent { get; private set; }

    public long ChecksAnswered { get; private set; }

    public long ChecksDropped { get; private set; }

    /// <summary>Handles one datagram that <see cref="StunMessage.LooksLikeStun"/> accepted.</summary>
    public IceCheckResult Handle(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        var parsed = StunMessage.Parse(datagram);
        if (!parsed.TryGetValue(out var message, out var failure)) return Drop(failure.Message);
        if (message.Type != StunMessageType.BindingRequest) return Drop($"STUN type 0x{(ushort)message.Type:x4} is not a binding request");
        if (!message.HasFingerprint) return Drop("binding request without FINGERPRINT");
        var username = message.Username;
        // RFC 8445 7.3: USERNAME is "<our ufrag>:<their ufrag>".
        if (username is null || username != $"{_local.UsernameFragment}:{_remoteUfrag}") return Drop("USERNAME does not name this session");
        if (!message.VerifyIntegrity(_key)) return Drop("MESSAGE-INTEGRITY does not verify");
        if (message.Has(StunAttributeType.IceControlled)) return Drop("peer claims the controlled role; an ICE-lite agent is always controlled");

        var response = new StunMessageBuilder(StunMessageType.BindingSuccess, message.TransactionId)
            .AddXorMappedAddress(from)
            .Build(_key);
        ChecksAnswered++;
        var nominate = message.Has(StunAttributeType.UseCandidate) || Selected is null;
        if (nominate && (Selected is null || !Selected.Equals(from)))
        {
            Selected = from;
            LastConsent = _time.GetTimestamp();
            return new IceCheckResult(IceCheckOutcome.Nominated, response, null);
        }
        if (Selected is not null && Selected.Equals(from)) LastConsent = _time.GetTimestamp();
        return new IceCheckResult(IceCheckOutcome.Answered, response, null);
    }

    /// <summary>True when no valid check came from the selected path for <paramref name="timeout"/> (RFC 7675 consent lost).</summary>
    public bool ConsentExpired(TimeSpan timeout) => _time.GetElapsedTime(LastConsent) > timeout;

    private IceCheckResult Drop(string reason)
    {
        ChecksDropped++;
        return new IceCheckResult(IceCheckOutcome.Dropped, null, reason);
    }
}
