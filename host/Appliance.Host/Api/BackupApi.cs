using Appliance.Abstractions;
using Appliance.Host.Auth;
using Appliance.Host.Backup;

namespace Appliance.Host.Api;

/// <summary>
/// <c>/api/v1/system/backup</c> and <c>/system/restore</c>: make an encrypted, signed backup; preview and apply a
/// restore. A backup file is the request body (<c>application/octet-stream</c>), its passphrase the
/// <see cref="PassphraseHeader"/> header. Refusals are problems with a <c>code</c> (malformed, truncated, too-large,
/// tampered, wrong-passphrase, unsupported-version, invalid).
/// </summary>
internal static class BackupApi
{
    public const string PassphraseHeader = "X-Backup-Passphrase";

    public static void MapBackupApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/system").WithTags("backup");

        group.MapGet("/backup/key", (BackupService backups) => Results.Ok(new BackupKeyResponse(backups.DeviceId, "ed25519", backups.PublicKey)))
            .WithName("GetBackupKey").WithSummary("The device's public key that signs its backups");

        group.MapPost("/backup", async (BackupRequest request, BackupService backups) =>
        {
            var made = await backups.CreateAsync(request.Passphrase);
            return made.TryGetValue(out var file, out var failure)
                ? Results.File(file.Bytes, "application/octet-stream", file.FileName)
                : Problem(failure);
        }).RequireReauthentication().WithName("CreateBackup").WithSummary("Make an encrypted, signed backup of the configuration (the file)")
            .Produces(200, contentType: "application/octet-stream");

        group.MapPost("/restore/preview", async (HttpRequest request, BackupService backups, CancellationToken ct) =>
        {
            if (!(await BoundedRead.ReadAsync(request.Body, request.ContentLength, ct)).TryGetValue(out var file, out var failure)) return Problem(failure);
            var preview = await backups.PreviewAsync(file, request.Headers[PassphraseHeader].ToString());
            return preview.TryGetValue(out var p, out var refused) ? Results.Ok(p) : Problem(refused);
        }).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(2L * BackupLimits.MaxFileBytes))
            .AddOpenApiOperationTransformer(DescribeFileBody)
            .WithName("PreviewRestore").WithSummary("What restoring a backup file would change (nothing is applied)");

        group.MapPost("/restore", async (HttpRequest request, BackupService backups, CancellationToken ct) =>
        {
            if (!(await BoundedRead.ReadAsync(request.Body, request.ContentLength, ct)).TryGetValue(out var file, out var failure)) return Problem(failure);
            var restored = await backups.RestoreAsync(file, request.Headers[PassphraseHeader].ToString(), ct);
            return restored.TryGetValue(out var outcome, out var refused) ? Results.Ok(outcome) : Problem(refused);
        }).DisableAntiforgery().RequireReauthentication()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(2L * BackupLimits.MaxFileBytes))
            .AddOpenApiOperationTransformer(DescribeFileBody)
            .WithName("Restore").WithSummary("Restore a backup file: all of it or nothing");
    }

    /// <summary>The raw file body and the passphrase header, for the description (declaring a content type on the route would answer 415 before authentication).</summary>
    private static Task DescribeFileBody(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
        {
            Required = true,
            Description = $"The backup file (at most {BackupLimits.MaxFileBytes} bytes).",
            Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
            {
                ["application/octet-stream"] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" } },
            },
        };
        operation.Parameters ??= [];
        operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
        {
            Name = PassphraseHeader,
            In = Microsoft.OpenApi.ParameterLocation.Header,
            Required = true,
            Description = "The backup's passphrase.",
            Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
        });
        return Task.CompletedTask;
    }

    internal static IResult Problem(Failure failure) => Results.Problem(
        detail: failure.Message,
        statusCode: failure.Code == "too-large" ? 413 : 400,
        title: failure.Code == "too-large" ? "Payload too large" : "Refused",
        extensions: new Dictionary<string, object?> { ["code"] = failure.Code });
}

public sealed record BackupRequest(string? Passphrase);

public sealed record BackupKeyResponse(string DeviceId, string Algorithm, string PublicKey);
