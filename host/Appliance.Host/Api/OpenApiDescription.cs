using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Appliance.Host.Api;

/// <summary>
/// The API description at <c>/openapi/v1.json</c>: the server from configuration (never the request's Host header),
/// both authentication schemes (API token, portal session cookie) on every operation that needs one, the least role
/// from <see cref="AccessPolicy"/>, and the 4xx answers the authentication, access and rate-limit layers give.
/// </summary>
public static class OpenApiDescription
{
    public const string TokenScheme = "token";
    public const string SessionScheme = "session";

    public static IServiceCollection AddApplianceOpenApi(this IServiceCollection services, HttpOptions http) =>
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document, http);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                Secure(operation, context);
                return Task.CompletedTask;
            });
        });

    private static void Describe(OpenApiDocument document, HttpOptions http)
    {
        document.Info.Title = "Appliance API";
        document.Info.Description = "The edge video appliance's HTTP API. Call it with an API token (Authorization: Bearer, "
            + "from POST /auth/token or the portal) or from the portal with its session cookie and the CSRF token header.";
        document.Servers = [new OpenApiServer { Url = "https://" + http.EffectivePublicHost }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[TokenScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token (apl_...), created with POST /auth/token or in the portal's account page.",
        };
        document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "appliance.session",
            Description = "The portal's session cookie; unsafe methods also need the X-CSRF-TOKEN header from the page.",
        };
    }

    private static void Secure(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= new OpenApiResponses();
        if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any())
        {
            // Anonymous (the /auth endpoints): an empty requirement list says so explicitly.
            operation.Security = [];
            Answer(operation, "400", "The request is malformed.");
            Answer(operation, "429", "Too many requests from this source; retry later (see Retry-After).");
            return;
        }
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(TokenScheme, context.Document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SessionScheme, context.Document)] = [] },
        ];
        var name = metadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (name is not null && AccessPolicy.LeastRole.TryGetValue(name, out var role))
            operation.Description = string.IsNullOrEmpty(operation.Description) ? $"Least role: {role}." : $"{operation.Description}\n\nLeast role: {role}.";
        Answer(operation, "400", "The request is malformed or fails validation.");
        Answer(operation, "401", "No valid API token or session.");
        Answer(operation, "403", name is not null && AccessPolicy.LeastRole.TryGetValue(name, out var least)
            ? $"The caller's role is below {least}, or the CSRF token is missing."
            : "The caller may not call this.");
        Answer(operation, "429", "Too many requests from this source; retry later (see Retry-After).");
    }

    private static void Answer(OpenApiOperation operation, string status, string description)
    {
        if (!operation.Responses!.ContainsKey(status)) operation.Responses[status] = new OpenApiResponse { Description = description };
    }
}
