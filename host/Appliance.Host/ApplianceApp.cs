using Appliance.Host.Api;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Appliance.Host.Portal;
using Appliance.Host.SystemServices;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Appliance.Host;

/// <summary>Builds the host: configuration, services, Kestrel, middleware and endpoints. Tests build it the same way.</summary>
public static class ApplianceApp
{
    public const string DefaultConfigPath = "/etc/appliance/appliance.json";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configPath = ConfigPath(args);
        if (File.Exists(configPath))
            builder.Configuration.AddJsonFile(configPath, optional: false, reloadOnChange: false);
        else if (configPath != DefaultConfigPath)
            throw new FileNotFoundException($"configuration file {configPath} does not exist");
        builder.Configuration.AddEnvironmentVariables("APPLIANCE_");
        builder.Configuration.AddCommandLine(args);

        var options = builder.Configuration.GetSection(ApplianceOptions.Section).Get<ApplianceOptions>() ?? new ApplianceOptions();
        JsonSections.Apply(configPath, options);
        // Everything the host creates is its own (0600/0700); what is already there is checked now.
        Security.DataDirectoryPermissions.RestrictUmask();
        Directory.CreateDirectory(options.DataPath());
        var loosened = Security.DataDirectoryPermissions.Enforce(options.DataPath());
        // A provisioning file (data partition, USB) is taken in once, before anything reads the cloud settings.
        var provisioning = Cloud.ProvisioningFile.Import(options);
        Cloud.ProvisioningFile.Apply(options);
        builder.Services.AddSingleton(provisioning);
        builder.Services.Configure<ApplianceOptions>(builder.Configuration.GetSection(ApplianceOptions.Section));
        builder.Services.PostConfigure<ApplianceOptions>(o =>
        {
            JsonSections.Apply(configPath, o);
            Cloud.ProvisioningFile.Apply(o);
        });

        builder.Host.UseSystemd();
        // Requests are not news; warnings and errors from the framework are.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Information);
        builder.Logging.AddApplianceConsole(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Plugins.MaxRequestBytes;
            var address = System.Net.IPAddress.Parse(options.Http.BindAddress);
            var certificate = Security.CertificateProvider.Load(options);
            kestrel.Listen(address, options.Http.HttpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(Security.TlsPolicy.Options(certificate));
            });
            if (options.Http.HttpPort > 0)
                kestrel.Listen(address, options.Http.HttpPort);
        });

        builder.Services.AddApplianceServices(options);
        builder.Services.AddApplianceAuth(options);
        builder.Services.AddPortal();
        builder.Services.AddApplianceOpenApi(options.Http);

        var app = builder.Build();
        foreach (var path in loosened)
            app.Logger.LogWarning("Permissions: {Path} was readable by others; now owner-only", path);
        app.UseHttpsRedirectionExceptHealth(options.Http);
        app.UsePortalErrorPages();
        app.UseApplianceAuth();
        app.UsePluginAbsoluteRoutes();
        app.MapApplianceEndpoints();
        app.MapAuthEndpoints();
        app.MapPortal();
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }

    public static string ConfigPath(string[] args)
    {
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--config") return Path.GetFullPath(args[i + 1]);
        return Environment.GetEnvironmentVariable("APPLIANCE_CONFIG") is { Length: > 0 } env ? Path.GetFullPath(env) : DefaultConfigPath;
    }
}
