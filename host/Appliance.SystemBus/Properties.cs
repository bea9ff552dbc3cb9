using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary><c>org.freedesktop.DBus.Properties</c>: GetAll (read as a <see cref="PropertyBag"/>) and Set.</summary>
public static class Properties
{
    public const string Interface = "org.freedesktop.DBus.Properties";

    public static Task<Result<PropertyBag>> GetAllAsync(this BusConnection bus, string destination, string path, string @interface, CancellationToken ct) =>
        bus.CallAsync(new MethodCall(destination, path, Interface, "GetAll", "s"),
            (ref MessageWriter w) => w.WriteString(@interface),
            "a{sv}",
            reader => Result<PropertyBag>.Ok(new PropertyBag($"{@interface} on {path}", reader.ReadDictionaryOfStringToVariantValue())),
            ct);
}
