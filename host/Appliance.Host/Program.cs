using Appliance.Host;

// The appliance host: plugin manager, event bus + outbox, storage, portal + API, system services.
// Configuration: /etc/appliance/appliance.json, or the file named by --config / APPLIANCE_CONFIG (dev).
var app = ApplianceApp.Build(args);
await app.RunAsync();
