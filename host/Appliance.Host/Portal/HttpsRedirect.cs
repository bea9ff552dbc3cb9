namespace Appliance.Host.Portal;

public static class HttpsRedirect
{
    /// <summary>Plain HTTP answers <c>/healthz</c> and redirects everything else to HTTPS (308 keeps the method).</summary>
    public static void UseHttpsRedirectionExceptHealth(this WebApplication app, int httpsPort)
    {
        app.Use(async (http, next) =>
        {
            if (!http.Request.IsHttps && !http.Request.Path.StartsWithSegments("/healthz"))
            {
                var host = http.Request.Host.Host;
                var port = httpsPort == 443 ? "" : $":{httpsPort}";
                var target = $"https://{(host.Contains(':') ? $"[{host}]" : host)}{port}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
                http.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                http.Response.Headers.Location = target;
                return;
            }
            if (http.Request.IsHttps)
                http.Response.Headers.StrictTransportSecurity = "max-age=31536000";
            await next(http);
        });
    }
}
