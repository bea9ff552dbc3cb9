using System.Text;
using Appliance.Plugins.Genetec.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>
/// Web SDK requests checked field by field against the Security Center SDK Developer Guide 5.14, "Web SDK"
/// (developer.genetec.com, sections "Authentication", "Endpoint reference" and "Worked examples"): base URI
/// <c>https://host:4590/WebSdk/</c>, <c>POST action?q=...</c>, HTTP Basic with user name <c>user;ApplicationId</c>,
/// <c>Accept: text/json</c>, answer <c>{"Rsp":{"Status":"Ok"}}</c> (envelope as in the Genetec DAP wiki,
/// https://github.com/Genetec/DAP/wiki/web-sdk-events-and-alarms). One fixture per documented example.
/// </summary>
public sealed class WebSdkRequestTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    /// <summary>The guide's sample credentials (Authentication section): demo SDK certificate ApplicationId.</summary>
    private static readonly WebSdkCredentials GuideCredentials =
        WebSdkCredentials.Create("jsmith", "KxsD11z743Hf5Gq9mv3+5ekxzemlCiUXkTFY5ba1NOGcLCmGstt2n0zYE9NsNimv", "ilOveSc!").Value;

    private const string Ok = """{"Rsp":{"Status":"Ok"}}""";

    /// <summary>A client pinning the listener's certificate.</summary>
    private WebSdkClient Client(int port, TimeSpan? timeout = null) =>
        Trusting(port, CertificatePin.Parse(certificates.ServerSha256).Value, timeout);

    /// <summary>A client trusting exactly <paramref name="pin"/>, or the system CAs when it is null.</summary>
    private static WebSdkClient Trusting(int port, CertificatePin? pin, TimeSpan? timeout = null) =>
        new(new WebSdkEndpoint("127.0.0.1", port), GuideCredentials, pin, timeout ?? TimeSpan.FromSeconds(20));

    /// <summary>The validating listener: every documented field of a Web SDK action request.</summary>
    private static void Validate(ReceivedRequest request, string expectedQ)
    {
        Assert.Equal("POST", request.Method);
        Assert.Equal("/WebSdk/action", request.Path);
        Assert.Equal(expectedQ, request.Q);
        var authorization = request.Headers["Authorization"];
        Assert.StartsWith("Basic ", authorization);
        Assert.Equal("jsmith;KxsD11z743Hf5Gq9mv3+5ekxzemlCiUXkTFY5ba1NOGcLCmGstt2n0zYE9NsNimv:ilOveSc!",
            Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])));
        Assert.Equal("text/json", request.Headers["Accept"]);
        Assert.StartsWith("127.0.0.1:", request.Headers["Host"]);
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task Guide_example_raise_a_custom_event_reaches_the_listener_with_every_documented_field()
    {
        // Guide, Worked examples: POST http://localhost:4590/WebSDK/action?q=RaiseCustomEvent(CustomEventId(5000))
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(200, Ok));
        using var client = Client(server.Port);
        var result = await client.SendAsync(new RaiseCustomEvent(5000), default);
        Assert.True(result.IsOk, result.ToString());
        Validate((await server.WaitForAsync(1)).Single(), "RaiseCustomEvent(CustomEventId(5000))");
    }

    [Fact]
    public async Task Trigger_alarm_carries_the_alarm_and_source_guids_without_dashes()
    {
        // Guide, Web SDK query syntax: "The dashes in guids must either be escaped or removed in an HTTP request."
        var alarm = Guid.Parse("543b686c-06e1-4304-afa6-fcef50242a5e");
        var camera = Guid.Parse("a3747693-85ec-49c0-a8f6-53ac10ca0381");
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(200, Ok));
        using var client = Client(server.Port);
        Assert.True((await client.SendAsync(new TriggerAlarm(alarm, camera), default)).IsOk);
        Assert.True((await client.SendAsync(new TriggerAlarm(alarm, null), default)).IsOk);
        var received = await server.WaitForAsync(2);
        Validate(received[0], "TriggerAlarm(543b686c06e14304afa6fcef50242a5e,a374769385ec49c0a8f653ac10ca0381)");
        Validate(received[1], "TriggerAlarm(543b686c06e14304afa6fcef50242a5e)");
    }

    [Theory]
    [InlineData(401, "unauthorized", "check the user, its password and the ApplicationId")]
    [InlineData(403, "forbidden", "part number is not in the licence")]
    [InlineData(500, "server-error", "answered 500")]
    [InlineData(404, "http-status", "answered 404 to custom event 5000")]
    public async Task Refusals_and_server_errors_are_clear_failures(int status, string code, string fragment)
    {
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(status, "<html>Unauthorized\u0007</html>"));
        using var client = Client(server.Port);
        var result = await client.SendAsync(new RaiseCustomEvent(5000), default);
        Assert.Equal(code, result.Failure!.Code);
        Assert.Contains(fragment, result.Failure.Message);
        Assert.DoesNotContain("ilOveSc!", result.Failure.Message);
        Assert.DoesNotContain('\u0007', result.Failure.Message);
    }

    [Fact]
    public async Task A_status_other_than_ok_in_the_envelope_is_rejected_with_the_servers_message()
    {
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(200, """{"Rsp":{"Status":"Fail","Result":{"Message":"Unknown custom event"}}}"""));
        using var client = Client(server.Port);
        var result = await client.SendAsync(new RaiseCustomEvent(5000), default);
        Assert.Equal("rejected", result.Failure!.Code);
        Assert.Contains("Unknown custom event", result.Failure.Message);
    }

    [Fact]
    public async Task An_oversized_answer_is_refused_without_reading_it_all()
    {
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(200, new string('x', WebSdkClient.MaxAnswerBytes + 1)));
        using var client = Client(server.Port);
        Assert.Equal("too-large", (await client.SendAsync(new RaiseCustomEvent(1), default)).Failure!.Code);
    }

    [Fact]
    public async Task A_server_that_takes_the_request_and_never_answers_times_out()
    {
        await using var server = new FakeWebSdkServer(certificates.Server, _ => null);
        using var client = Client(server.Port, timeout: TimeSpan.FromSeconds(1));
        var result = await client.SendAsync(new RaiseCustomEvent(1), default);
        Assert.Equal("timeout", result.Failure!.Code);
        Assert.Contains("did not answer within 1 s", result.Failure.Message);
        Assert.Single(await server.WaitForAsync(1));
    }

    [Fact]
    public async Task A_server_that_accepts_tcp_and_never_speaks_tls_times_out_and_a_closed_port_is_a_transport_error()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        using var client = Client(((System.Net.IPEndPoint)silent.LocalEndpoint).Port, timeout: TimeSpan.FromSeconds(1));
        var hung = await client.SendAsync(new RaiseCustomEvent(1), default);
        Assert.Equal("timeout", hung.Failure!.Code);
        using var closed = Client(FreePort());
        var refused = await closed.SendAsync(new RaiseCustomEvent(1), default);
        Assert.Equal("transport", refused.Failure!.Code);
        Assert.Contains("127.0.0.1:", refused.Failure.Message);
    }

    [Fact]
    public async Task An_untrusted_certificate_is_refused_unless_its_fingerprint_is_the_configured_one()
    {
        await using var server = new FakeWebSdkServer(certificates.Server, _ => new FakeAnswer(200, Ok));
        using var systemTrust = Trusting(server.Port, pin: null);
        var untrusted = await systemTrust.SendAsync(new RaiseCustomEvent(1), default);
        Assert.Equal("tls", untrusted.Failure!.Code);
        Assert.Contains($"certificate SHA-256 {certificates.ServerSha256}", untrusted.Failure.Message);
        Assert.Contains("trusted: system CAs", untrusted.Failure.Message);
        var otherSha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificates.Other.RawData));
        using var wrongPin = Trusting(server.Port, CertificatePin.Parse(otherSha256).Value);
        var refused = (await wrongPin.SendAsync(new RaiseCustomEvent(1), default)).Failure!;
        Assert.Equal("tls", refused.Code);
        // The presented fingerprint, to compare with the one the server shows, and the configured one.
        Assert.Contains($"certificate SHA-256 {certificates.ServerSha256}", refused.Message);
        Assert.Contains($"trusted: SHA-256 {otherSha256.ToLowerInvariant()}", refused.Message);
        var colonSeparated = string.Join(':', certificates.ServerSha256.Chunk(2).Select(c => new string(c)));
        using var pinned = Trusting(server.Port, CertificatePin.Parse(colonSeparated).Value);
        Assert.True((await pinned.SendAsync(new RaiseCustomEvent(1), default)).IsOk);
        Assert.Single(server.Received);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00")]
    public void Bad_fingerprints_are_refused(string text) => Assert.Equal("malformed", CertificatePin.Parse(text).Failure!.Code);

    internal static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
