using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Plugins.Sms.Tests;

/// <summary>
/// An SMS gateway with the Twilio Messages API's wire format, on loopback over HTTPS. No real gateway is reachable
/// from tests (and none may be), so this peer checks each request against Twilio's published documentation
/// (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource and
/// https://www.twilio.com/docs/usage/requests-to-twilio): <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>,
/// HTTP Basic with the account SID and auth token, an <c>application/x-www-form-urlencoded</c> body with <c>To</c>
/// (E.164), <c>From</c> and <c>Body</c> (at most 1600 characters). It answers as Twilio does: 201 with the message
/// resource (<c>sid</c> "SM" + 32 hex digits), 401 with error 20003, 400 with error 21211 (invalid To) or 21602
/// (Body required), and, when told to, 503 or 429 (error 20429).
/// </summary>
public sealed partial class SmsGatewayPeer : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "gateway-test-token";

    private readonly WebApplication _server;

    private SmsGatewayPeer(WebApplication server, int port, string fingerprint)
    {
        _server = server;
        Port = port;
        CertificateSha256 = fingerprint;
    }

    public int Port { get; }

    /// <summary>The SHA-256 of the peer's self-signed certificate, for the plugin's pin.</summary>
    public string CertificateSha256 { get; }

    /// <summary>Messages accepted (To, From, Body), in order.</summary>
    public ConcurrentQueue<(string To, string From, string Body)> Accepted { get; } = new();

    /// <summary>Requests refused with their error code, in order.</summary>
    public ConcurrentQueue<int> Refused { get; } = new();

    private int _skip;
    private int _fail;

    /// <summary>After <paramref name="afterRequests"/> more requests, the next <paramref name="requests"/> are answered 503.</summary>
    public void FailNext(int requests, int afterRequests = 0)
    {
        Volatile.Write(ref _skip, afterRequests);
        Volatile.Write(ref _fail, requests);
    }

    /// <summary>When set, a message is accepted but the answer is not JSON (a broken gateway or a captive portal).</summary>
    public bool AnswerGarbage { get; set; }

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();

    public static async Task<SmsGatewayPeer> StartAsync()
    {
        var certificate = LoopbackCertificate.Create("sms gateway test");
        var port = FreePort.Tcp();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var peer = new SmsGatewayPeer(app, port, LoopbackCertificate.Sha256(certificate));
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", (string account, HttpRequest r) => peer.Create(account, r));
        await app.StartAsync();
        return peer;
    }

    private async Task<IResult> Create(string account, HttpRequest request)
    {
        if (Interlocked.Decrement(ref _skip) < 0 && Interlocked.Decrement(ref _fail) >= 0) return Results.Json(new { code = 20503, message = "Service unavailable", status = 503 }, statusCode: 503);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (account != AccountSid || request.Headers.Authorization.ToString() != expected) return Refuse(401, 20003, "Authenticate");
        if (!request.HasFormContentType) return Refuse(400, 21603, "A form body (application/x-www-form-urlencoded) is required");
        var form = await request.ReadFormAsync();
        var to = form["To"].ToString();
        var from = form["From"].ToString();
        var body = form["Body"].ToString();
        if (!E164().IsMatch(to)) return Refuse(400, 21211, $"The 'To' number {to} is not a valid phone number.");
        if (from.Length == 0) return Refuse(400, 21603, "A 'From' phone number is required.");
        if (body.Length == 0) return Refuse(400, 21602, "Message body is required.");
        if (body.Length > 1600) return Refuse(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
        Accepted.Enqueue((to, from, body));
        if (AnswerGarbage) return Results.Text("<html>queued?</html>", "text/html", statusCode: 201);
        var sid = "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return Results.Json(new { sid, account_sid = account, to, from, body, status = "queued" }, statusCode: 201);
    }

    private IResult Refuse(int status, int code, string message)
    {
        Refused.Enqueue(code);
        return Results.Json(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }, statusCode: status);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
