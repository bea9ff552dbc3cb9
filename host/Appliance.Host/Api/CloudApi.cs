using Appliance.Host.Auth;
using Appliance.Host.Cloud;

namespace Appliance.Host.Api;

internal static class CloudApi
{
    public static void MapCloudApi(this RouteGroupBuilder api)
    {
        api.MapGet("/cloud", (CloudLinkService link, CloudCounters counters, Microsoft.Extensions.Options.IOptions<Configuration.ApplianceOptions> options) =>
        {
            var status = link.Status;
            return Results.Ok(new CloudStatusResponse(
                options.Value.Cloud.Enabled,
                link.DeviceId,
                status?.Connected ?? false,
                status?.Broker?.ToString(),
                status?.Protocol,
                status?.Problem,
                status?.Since,
                counters.EventsSent,
                counters.TelemetrySent,
                counters.CommandsRun,
                counters.CommandsRefused));
        }).WithName("GetCloudLink").WithSummary("The cloud link: connected broker or why not, and what it has sent and run").WithTags("cloud");

        api.MapGet("/cloud/csr", (CloudIdentity identity) =>
                Results.Text(identity.SigningRequestPem(), "application/pkcs10", System.Text.Encoding.ASCII))
            .WithName("GetCloudSigningRequest").WithTags("cloud")
            .WithSummary("The device's certificate signing request (PEM PKCS#10, subject CN = device id) for the fleet CA to sign")
            .Produces(200, contentType: "application/pkcs10");

        api.MapPost("/cloud/certificate", async (HttpRequest request, CloudIdentity identity, CloudLinkService link, CancellationToken ct) =>
        {
            if (!(await RequestBody.ReadUtf8Async(request, Appliance.CloudLink.Provisioning.Pkcs7CertsOnly.MaxBytes, "send the PEM certificate the fleet CA issued", ct)).TryGetValue(out var pem, out var unreadable))
                return BackupApi.Problem(unreadable);
            if (!CloudIdentity.ParsePem(pem).TryGetValue(out var certificates, out var malformed)) return BackupApi.Problem(malformed);
            if (!identity.Install(certificates).TryGetValue(out var installed, out var refused)) return BackupApi.Problem(refused);
            await link.RestartAsync();
            return Results.Ok(new CloudCertificateResponse(installed.Subject, installed.NotBefore.ToUniversalTime(), installed.NotAfter.ToUniversalTime(), installed.SerialNumber));
        }).DisableAntiforgery().RequireReauthentication()
            .AddOpenApiOperationTransformer(DescribePemBody)
            .WithName("InstallCloudCertificate").WithTags("cloud")
            .WithSummary("Install the device certificate the fleet CA issued for the signing request (PEM); the link restarts with it");
    }

    /// <summary>The raw PEM body, for the description (a declared content type would answer 415 before authentication).</summary>
    private static Task DescribePemBody(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
        {
            Required = true,
            Description = "The device certificate (PEM), optionally followed by its intermediate certificates.",
            Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
            {
                ["application/x-pem-file"] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String } },
            },
        };
        return Task.CompletedTask;
    }
}

public sealed record CloudCertificateResponse(string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string SerialNumber);

public sealed record CloudStatusResponse(
    bool Enabled,
    string? DeviceId,
    bool Connected,
    string? Broker,
    string? Protocol,
    string? Problem,
    DateTimeOffset? Since,
    long EventsSent,
    long TelemetrySent,
    long CommandsRun,
    long CommandsRefused);
