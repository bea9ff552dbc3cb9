using System.Text;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>
/// /api/ authentication as Nx Witness 4.2 servers do it: a 401 with <c>WWW-Authenticate: Digest</c> (or Basic), answered
/// once; our credentials refused is <c>auth</c>, with no endless loop of 401s.
/// </summary>
public sealed class AuthenticationTests
{
    private const string Realm = "VMS";
    private const string Nonce = "5f1c0a3e9b7d";

    private static FakeResponse Challenge(string header) => new(401, """{"error":"401","errorString":"Unauthorized"}""", new Dictionary<string, string> { ["WWW-Authenticate"] = header });

    private static NxServer Server(int port, string password = "s3cret \"quoted\"") => new("127.0.0.1", port, "admin", password, TimeSpan.FromSeconds(10));

    private static GenericEvent Event => new("s", "c", "d", DateTimeOffset.UtcNow, []);

    [Fact]
    public async Task A_digest_challenge_is_answered_with_a_valid_rfc7616_response()
    {
        await using var server = new FakeNxServer(r => NxDocumentation.DigestIsValid(r, "admin", "s3cret \"quoted\"", Realm, Nonce)
            ? FakeResponse.Ok()
            : Challenge($"Digest realm=\"{Realm}\", nonce=\"{Nonce}\", algorithm=MD5, qop=\"auth\""));
        using var http = new NxHttp();
        var sent = await new NxClient(http).CreateEventAsync(Server(server.Port), Event, default);
        Assert.True(sent.IsOk, sent.ToString());
        Assert.Equal(2, server.Received.Count);
        Assert.False(server.Received[0].Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task A_basic_challenge_is_answered_with_basic_credentials()
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:pw"));
        await using var server = new FakeNxServer(r => r.Headers.GetValueOrDefault("Authorization") == expected ? FakeResponse.Ok() : Challenge("Basic realm=\"VMS\""));
        using var http = new NxHttp();
        var sent = await new NxClient(http).CreateEventAsync(Server(server.Port, "pw"), Event, default);
        Assert.True(sent.IsOk, sent.ToString());
    }

    [Fact]
    public async Task Wrong_credentials_are_an_auth_failure_after_exactly_one_answered_challenge()
    {
        await using var server = new FakeNxServer(_ => Challenge($"Digest realm=\"{Realm}\", nonce=\"{Nonce}\", qop=\"auth\""));
        using var http = new NxHttp();
        var sent = await new NxClient(http).CreateEventAsync(Server(server.Port), Event, default);
        Assert.Equal("auth", sent.Failure!.Code);
        Assert.Contains("401", sent.Failure.Message);
        Assert.Contains("\"admin\"", sent.Failure.Message);
        Assert.Equal(2, server.Received.Count);
    }

    [Theory]
    [InlineData("Negotiate", "no Digest or Basic challenge")]
    [InlineData("Digest realm=\"VMS\"", "without realm or nonce")]
    [InlineData("Digest realm=\"VMS\", nonce=\"unterminated", "unterminated")]
    [InlineData("Digest realm=\"VMS\", nonce=\"n\", algorithm=MD4", "MD4 is not supported")]
    public async Task A_challenge_that_cannot_be_answered_is_an_auth_failure_naming_why(string header, string why)
    {
        await using var server = new FakeNxServer(_ => Challenge(header));
        using var http = new NxHttp();
        var sent = await new NxClient(http).CreateEventAsync(Server(server.Port), Event, default);
        Assert.Equal("auth", sent.Failure!.Code);
        Assert.Contains(why, sent.Failure.Message);
        Assert.Single(server.Received);
    }

    [Fact]
    public void Digest_without_qop_uses_the_rfc2069_form_and_sha256_is_accepted()
    {
        var old = AuthorizationAnswer.For(["Digest realm=\"VMS\", nonce=\"abc\""], "u", "p", "GET", "/api/createEvent");
        Assert.DoesNotContain("qop", old.Value);
        var sha = AuthorizationAnswer.For(["Basic realm=\"x\"", "Digest realm=\"VMS\", nonce=\"abc\", algorithm=SHA-256, qop=\"auth,auth-int\""], "u", "p", "GET", "/x");
        Assert.StartsWith("Digest ", sha.Value);
        Assert.Contains("algorithm=SHA-256", sha.Value);
        Assert.Contains("qop=auth,", sha.Value);
    }
}
