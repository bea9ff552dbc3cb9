using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Appliance.Api.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Api.Tests.Auth;

/// <summary>
/// Every endpoint under <c>/api/v1</c> (and the plugins' <c>/plugins/{id}/...</c>) refuses calls without valid
/// credentials. The list comes from the running app's endpoint data source, so a new endpoint is covered
/// the moment it is mapped.
/// </summary>
public sealed class UnauthenticatedApiTests : IAsyncLifetime
{
    private static readonly string[] AnyMethod = ["GET", "POST", "PUT", "DELETE", "PATCH"];
    private InProcessHost _host = null!;

    public async Task InitializeAsync() => _host = await InProcessHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("no credentials", null, null)]
    [InlineData("unknown bearer token", "Bearer", "apl_aW52YWxpZC10b2tlbi1mb3ItdGVzdHM")]
    [InlineData("malformed bearer token", "Bearer", "not-a-token")]
    [InlineData("forged session cookie", "Cookie", "appliance.session=CfDJ8forgedcookievalue")]
    public async Task EveryApiEndpoint_RefusesTheCall_With401(string what, string? scheme, string? credential)
    {
        var endpoints = GuardedEndpoints();
        Assert.True(endpoints.Count > 15, $"only {endpoints.Count} guarded endpoints enumerated: the enumeration is broken");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/plugins/{id}/{**path}");
        Assert.Contains(endpoints, e => Normalize(e.RoutePattern.RawText) == "/api/v1/plugins/{id}/enable");
        Assert.Contains(endpoints, e => Normalize(e.RoutePattern.RawText) == "/api/v1/events/stream");

        using var client = _host.Client();
        var failures = new List<string>();
        var calls = 0;
        foreach (var endpoint in endpoints)
        {
            var path = Fill(endpoint.RoutePattern);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? AnyMethod)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                if (scheme == "Bearer") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
                if (scheme == "Cookie") request.Headers.Add("Cookie", credential);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                calls++;
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                    failures.Add($"{method} {path} ({endpoint.DisplayName}) with {what}: {(int)response.StatusCode}");
            }
        }
        Assert.True(calls >= endpoints.Count);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task ACookieSession_MustSendTheCsrfToken_ForStateChangingApiCalls()
    {
        using var client = _host.Client(cookies: true);
        using (var setup = await client.PostAsJsonAsync("/auth/setup", new { username = "admin", password = "correct-Horse-battery-9" }))
            setup.EnsureSuccessStatusCode();
        using (var login = await client.PostAsJsonAsync("/auth/login", new { username = "admin", password = "correct-Horse-battery-9" }))
            login.EnsureSuccessStatusCode();

        using (var read = await client.GetAsync("/api/v1/cameras"))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        var camera = new { name = "Csrf check", streamUri = "rtsp://127.0.0.1:8554/csrf" };
        using (var refused = await client.PostAsJsonAsync("/api/v1/cameras", camera))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("missing or invalid CSRF token (send it in X-CSRF-TOKEN)", await refused.Content.ReadAsStringAsync());
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cameras") { Content = JsonContent.Create(camera) })
        {
            wrong.Headers.Add("X-CSRF-TOKEN", "CfDJ8-not-a-real-token");
            using var response = await client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        var listed = await client.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("/api/v1/cameras");
        Assert.Empty(listed!);

        // The token a portal page carries makes the same call pass: the refusal above was the CSRF check.
        var html = await client.GetStringAsync("/Cameras");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using var allowed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cameras") { Content = JsonContent.Create(camera) };
        allowed.Headers.Add("X-CSRF-TOKEN", token);
        using (var created = await client.SendAsync(allowed))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private List<RouteEndpoint> GuardedEndpoints() =>
        _host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => Normalize(e.RoutePattern.RawText).StartsWith("/api/v1", StringComparison.Ordinal)
                        || Normalize(e.RoutePattern.RawText).StartsWith("/plugins/", StringComparison.Ordinal))
            .ToList();

    private static string Normalize(string? raw) => "/" + (raw ?? "").Trim('/');

    /// <summary>The route with a dummy value in every parameter (a number where a constraint wants one).</summary>
    private static string Fill(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart { IsCatchAll: true } => "dummy/path",
            RoutePatternParameterPart p when p.ParameterPolicies.Any(c => c.Content is "int" or "long" or "decimal" or "double") => "1",
            RoutePatternParameterPart p when p.ParameterPolicies.Any(c => c.Content == "guid") => Guid.Empty.ToString(),
            RoutePatternParameterPart => "dummy",
            _ => throw new InvalidOperationException($"unknown route part {part}"),
        })));
        return "/" + string.Join('/', segments);
    }
}
