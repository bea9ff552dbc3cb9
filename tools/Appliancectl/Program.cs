using Appliance.Tools.Appliancectl.Cli;

// appliancectl: operate an appliance through its HTTP API (see README.md).
return await AppliancectlApp.RunAsync(args, Console.Out, Console.Error);
