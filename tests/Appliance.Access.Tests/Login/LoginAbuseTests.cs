using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Access.Tests.Support;

namespace Appliance.Access.Tests.Login;

/// <summary>Findings "lockout bypass", "permanent lockout" and the console unlock, against the real host.</summary>
public sealed class LoginAbuseTests : IAsyncLifetime
{
    private AccessHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await AccessHost.StartAsync();
        await _host.SetUpAdminAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task FortyParallelWrongLogins_AreEvaluatedAtMostFiveTimes_AndTheRightPasswordIsThenRefusedFromThere_ButNotFromTheBox()
    {
        var attacker = AccessHost.Elsewhere(20);
        using var client = _host.Client(attacker);
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await client.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = $"wrong-guess-number-{i}" }));
            return response.StatusCode;
        }));
        var evaluated = answers.Count(s => s == HttpStatusCode.Unauthorized);
        var refused = answers.Count(s => s == HttpStatusCode.TooManyRequests);
        Assert.True(evaluated <= 5, $"{evaluated} of 40 parallel wrong logins were evaluated (401); at most 5 may be");
        Assert.Equal(40, evaluated + refused);

        using (var right = await client.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = AccessHost.AdminPassword })))
            Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        // Another machine elsewhere is refused too (the user is locked out outside management)...
        using (var other = _host.Client(AccessHost.Elsewhere(21)))
        using (var right = await other.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = AccessHost.AdminPassword })))
            Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        // ...but the management source is not locked out by what happened elsewhere.
        using (var box = _host.Client())
        using (var right = await box.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = AccessHost.AdminPassword })))
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task ConsoleUnlock_OnlyFromTheBox_ClearsTheLockout()
    {
        var attacker = AccessHost.Elsewhere(30);
        using var client = _host.Client(attacker);
        for (var i = 0; i < 6; i++)
            using (await client.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = $"wrong-{i}-guess" }))) { }
        using (var locked = await client.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = AccessHost.AdminPassword })))
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);

        using (var fromElsewhere = await client.PostAsync("/auth/unlock", AccessHost.Json(new { username = AccessHost.AdminUser })))
            Assert.Equal(HttpStatusCode.Forbidden, fromElsewhere.StatusCode);
        using (var box = _host.Client())
        using (var unlock = await box.PostAsync("/auth/unlock", AccessHost.Json(new { username = AccessHost.AdminUser })))
            Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);

        using var after = await client.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = AccessHost.AdminPassword }));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task ASixtyMegabyteLoginBody_IsRefusedBeforeItIsRead()
    {
        // Headers announce 60 MB; only 64 KiB are sent. The refusal must come without the rest ever being sent.
        using var tcp = new System.Net.Sockets.TcpClient();
        tcp.Client.Bind(new IPEndPoint(AccessHost.Elsewhere(40), 0));
        await tcp.ConnectAsync(IPAddress.Loopback, _host.HttpsPort);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        var head = $"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {60 * 1024 * 1024}\r\n\r\n";
        await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)' ');
        try
        {
            await tls.WriteAsync(chunk);
        }
        catch (IOException)
        {
            // The server may close before the chunk is out: that is a refusal too, read below.
        }
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var read = await tls.ReadAsync(buffer, timeout.Token);
        var answer = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 413", answer);
    }

    [Fact]
    public async Task AuthEndpoints_AreRateLimitedPerSource()
    {
        using var client = _host.Client(AccessHost.Elsewhere(50));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await client.GetAsync("/auth/state");
            statuses.Add(response.StatusCode);
        }
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        // Another source is not affected.
        using var other = _host.Client(AccessHost.Elsewhere(51));
        using var fine = await other.GetAsync("/auth/state");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task ALockedOutUser_GetsRetryAfter_AndTheMessageNamesNoUser()
    {
        using var client = _host.Client(AccessHost.Elsewhere(60));
        HttpResponseMessage? last = null;
        for (var i = 0; i < 6; i++)
        {
            last?.Dispose();
            last = await client.PostAsync("/auth/login", AccessHost.Json(new { username = "nobody-" + i % 2, password = "wrong-password-x" }));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(last.Headers.RetryAfter is not null);
        var body = await last.Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain("nobody", body.GetProperty("detail").GetString());
        last.Dispose();
    }
}
