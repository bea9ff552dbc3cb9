using System.Security.Cryptography;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>The live sessions of the server, by id, with a cap. Thread-safe.</summary>
public sealed class RtspServerSessions(int maxSessions)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, RtspServerSession> _byId = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_gate) return _byId.Count; }
    }

    /// <summary>A new session with a random id, or null when <c>maxSessions</c> are live.</summary>
    public RtspServerSession? Create(string streamName, object connection, TimeSpan timeout, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_byId.Count >= maxSessions) return null;
            string id;
            do id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)); while (_byId.ContainsKey(id));
            var session = new RtspServerSession(id, streamName, connection, timeout, now);
            _byId.Add(id, session);
            return session;
        }
    }

    public RtspServerSession? Find(string id)
    {
        lock (_gate) return _byId.GetValueOrDefault(id);
    }

    public bool Remove(RtspServerSession session)
    {
        lock (_gate) return _byId.TryGetValue(session.Id, out var s) && ReferenceEquals(s, session) && _byId.Remove(session.Id);
    }

    /// <summary>Sessions of one connection (to close them when it goes).</summary>
    public IReadOnlyList<RtspServerSession> OfConnection(object connection)
    {
        lock (_gate) return _byId.Values.Where(s => ReferenceEquals(s.Connection, connection)).ToList();
    }

    /// <summary>Removes and returns the sessions idle longer than their timeout.</summary>
    public IReadOnlyList<RtspServerSession> TakeExpired(DateTimeOffset now)
    {
        lock (_gate)
        {
            var expired = _byId.Values.Where(s => s.IsExpired(now)).ToList();
            foreach (var s in expired) _byId.Remove(s.Id);
            return expired;
        }
    }
}
