using Appliance.Host.Configuration;

namespace Appliance.Host.Portal;

public static class HttpsRedirect
{
    /// <summary>
    /// Plain HTTP answers <c>/healthz</c> and redirects everything else to HTTPS (308 keeps the method), to the
    /// configured public host (<see cref="HttpOptions.EffectivePublicHost"/>), never to the request's Host header.
    /// </summary>
    public static void UseHttpsRedirectionExceptHealth(this WebApplication app, HttpOptions http)
    {
        var origin = "https://" + http.EffectivePublicHost;
        app.Use(async (context, next) =>
        {
            if (!context.Request.IsHttps && !context.Request.Path.StartsWithSegments("/healthz"))
            {
                context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                context.Response.Headers.Location = $"{origin}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
                return;
            }
            if (context.Request.IsHttps)
                context.Response.Headers.StrictTransportSecurity = "max-age=31536000";
            await next(context);
        });
    }
}
