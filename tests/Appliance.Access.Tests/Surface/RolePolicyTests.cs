using System.Net;
using System.Text;
using Appliance.Access.Tests.Support;
using Appliance.Host.Auth;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Access.Tests.Surface;

/// <summary>
/// Roles: one table (<see cref="AccessPolicy"/>) for every /api/v1 endpoint, checked by
/// enumerating the running app's endpoints, then by calling each as a viewer and as an operator.
/// </summary>
public sealed class RolePolicyTests : IAsyncLifetime
{
    private static readonly string[] AnyMethod = ["GET", "POST", "PUT", "DELETE"];
    private AccessHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await AccessHost.StartAsync();
        await _host.SetUpAdminAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private List<RouteEndpoint> Guarded() =>
        _host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => ("/" + e.RoutePattern.RawText!.Trim('/')).StartsWith("/api/v1", StringComparison.Ordinal))
            .ToList(); // plugin routes carry their access per declared route (PluginRequestDispatcher; Host.Tests/Surface)

    [Fact]
    public void EveryGuardedEndpoint_HasAnEntryInThePolicyTable_AndTheTableHasNoStaleEntries()
    {
        var names = Guarded().Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"(unnamed {e.RoutePattern.RawText})").ToList();
        Assert.True(names.Count > 30, $"only {names.Count} endpoints enumerated");
        var missing = names.Where(n => !AccessPolicy.LeastRole.ContainsKey(n)).ToList();
        var stale = AccessPolicy.LeastRole.Keys.Where(k => !names.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "endpoints without a policy: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "policy entries without an endpoint: " + string.Join(", ", stale));
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("operator")]
    public async Task EachRole_GetsForbidden_ExactlyWhereTheTableSays(string role)
    {
        var password = "role-Test-secret-77";
        using (var admin = _host.TokenClient(await _host.TokenAsync()))
        using (var create = await admin.PostAsync("/api/v1/users", AccessHost.Json(new { username = role + "1", password, role })))
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        using var client = _host.TokenClient(await _host.TokenAsync(role + "1", password));
        var failures = new List<string>();
        foreach (var endpoint in Guarded())
        {
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName;
            var allowed = Roles.Allows(role, AccessPolicy.LeastRole[name]);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? AnyMethod)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), Fill(endpoint.RoutePattern));
                if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var forbidden = response.StatusCode == HttpStatusCode.Forbidden
                                && (await response.Content.ReadAsStringAsync()).Contains("role", StringComparison.Ordinal);
                if (forbidden == allowed)
                    failures.Add($"{method} {endpoint.RoutePattern.RawText} ({name}, least {AccessPolicy.LeastRole[name]}) as {role}: {(int)response.StatusCode}");
            }
        }
        Assert.Empty(failures);
    }

    private static string Fill(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart { IsCatchAll: true } => "dummy/path",
            RoutePatternParameterPart => "dummy",
            _ => "",
        }))));
}
