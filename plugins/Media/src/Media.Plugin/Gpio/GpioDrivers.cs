using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using Appliance.Abstractions;

namespace Appliance.Plugins.Media.Plugin.Gpio;

/// <summary>Creates the driver the configuration names. Nothing is chosen silently: a libgpiod driver that cannot
/// open is a failure, not a quiet switch to the simulator.</summary>
public static class GpioDrivers
{
    public static Result<GpioDriver?> Create(GpioSettings settings)
    {
        switch (settings.Driver)
        {
            case GpioDriverKind.None:
                return Result<GpioDriver?>.Ok(null);
            case GpioDriverKind.Simulated:
                return new SimulatedGpioDriver();
            default:
                try
                {
                    return new LibGpiodDriver(settings.Chip);
                }
                catch (Exception e) when (e is PlatformNotSupportedException or DllNotFoundException or IOException or ArgumentException or InvalidOperationException or TypeInitializationException)
                {
                    return Result<GpioDriver?>.Fail("gpio-unavailable", $"libgpiod driver on gpiochip{settings.Chip}: {e.Message}");
                }
        }
    }
}
