using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>One method of one object: the destination, object path, interface, member and input signature.</summary>
public sealed record MethodCall(string Destination, string Path, string Interface, string Member, string Signature = "")
{
    public override string ToString() => $"{Interface}.{Member} on {Path}";
}

/// <summary>Writes a call's arguments after its header; the signature is the <see cref="MethodCall"/>'s.</summary>
public delegate void BodyWriter(ref MessageWriter writer);
