using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Abstractions.Services;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Services;

/// <summary>What an operation sees: its body element, where the client reached us, the request path and the caller.</summary>
public sealed record OperationContext(XElement Body, FacadeEndpoint Endpoint, string Path, VerifiedUser? User);

/// <summary>
/// One SOAP operation of the facade. <see cref="Role"/> null: answered without credentials (GetSystemDateAndTime, as
/// ONVIF requires, so clients can synchronise before they authenticate). A failure's code is the ONVIF fault subcode path.
/// </summary>
public sealed record Operation(XName Name, UserRole? Role, Func<OperationContext, CancellationToken, Task<Result<XElement>>> Handle)
{
    public static Operation Sync(XName name, UserRole? role, Func<OperationContext, Result<XElement>> handle) =>
        new(name, role, (context, _) => Task.FromResult(handle(context)));
}
