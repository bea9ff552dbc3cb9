using Appliance.Tools.Fleetctl;

// fleetctl: list, query, command and watch appliances through the fleet's MQTT broker (see README.md).
return await FleetctlApp.RunAsync(args, Console.Out, Console.Error);
