using System.Security.Cryptography;
using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>Users as the host's verifier treats them: passwords, roles, HA1 only for the declared realm <c>appliance</c>.</summary>
public sealed class FakeUsers : IUserVerifier
{
    private readonly Dictionary<string, (string Password, UserRole Role)> _users = new(StringComparer.Ordinal)
    {
        ["admin"] = ("admin-pass", UserRole.Admin),
        ["operator"] = ("operator-pass", UserRole.Operator),
        ["viewer"] = ("viewer-pass", UserRole.Viewer),
    };

    public int Failures { get; private set; }

    public Task<Result<VerifiedUser>> VerifyPasswordAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        if (_users.TryGetValue(user, out var u) && u.Password == password) return Task.FromResult<Result<VerifiedUser>>(new VerifiedUser(user, u.Role));
        Failures++;
        return Task.FromResult<Result<VerifiedUser>>(new Failure("invalid", "unknown user or wrong password"));
    }

    public Task<Result<DigestCredential>> GetDigestHa1Async(string user, string realm, DigestAlgorithm algorithm, CancellationToken cancellationToken = default)
    {
        if (realm != "appliance") return Task.FromResult<Result<DigestCredential>>(new Failure("realm-not-declared", realm));
        if (!_users.TryGetValue(user, out var u))
        {
            Failures++;
            return Task.FromResult<Result<DigestCredential>>(new Failure("invalid", "unknown user"));
        }
        var ha1 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{user}:{realm}:{u.Password}")));
        return Task.FromResult<Result<DigestCredential>>(new DigestCredential(user, realm, algorithm, ha1, u.Role));
    }
}

/// <summary>Plugin secrets in memory (the host seals them with its key); counts writes so tests see what was stored.</summary>
public sealed class FakeSecrets : IPluginSecrets
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

    public Task<string?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_values.TryGetValue(name, out var value) ? value : null);

    public Task SetAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        if (value.Length > IPluginSecrets.MaxValueLength) throw new ArgumentException("value too long", nameof(value));
        _values[name] = value;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_values.TryRemove(name, out _));

    public Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(_values.Keys.Order(StringComparer.Ordinal).ToList());
}

/// <summary>A hub that only lists streams (the facade reads names and codecs, never media).</summary>
public sealed class FakeHub : IStreamHub
{
    public List<StreamDescriptor> Descriptors { get; } = [];
    public IReadOnlyList<StreamDescriptor> Streams => Descriptors.ToList();
    public IStreamPublisher Publish(StreamDescriptor descriptor) => throw new NotSupportedException();
    public IStreamSubscription Subscribe(string name, int capacity = 256) => throw new NotSupportedException();
}
