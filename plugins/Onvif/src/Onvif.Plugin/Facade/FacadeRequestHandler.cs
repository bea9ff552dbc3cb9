using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Plugin.Facade.Auth;
using Appliance.Plugins.Onvif.Plugin.Facade.Http;
using Appliance.Plugins.Onvif.Plugin.Facade.Services;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Facade;

/// <summary>
/// One SOAP request to one answer: read the envelope with the safe XML reader (no DTD, no entities, size-limited),
/// find the operation by its body element, authenticate unless the operation is open, check the caller's role, run it.
/// Every refusal is a SOAP 1.2 fault with an ONVIF subcode (HTTP 400, or 401 with a Digest challenge), never a 500.
/// </summary>
public sealed class FacadeRequestHandler
{
    public const int MaxEnvelopeBytes = 256 * 1024;

    private readonly Dictionary<XName, Operation> _operations;
    private readonly FacadeAuthenticator _authenticator;
    private readonly IPluginLogger _log;

    public FacadeRequestHandler(IEnumerable<Operation> operations, FacadeAuthenticator authenticator, IPluginLogger log)
    {
        _operations = operations.ToDictionary(o => o.Name);
        _authenticator = authenticator;
        _log = log;
    }

    public async Task<HttpResponse> HandleAsync(HttpRequest request, FacadeEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (request.Method != "POST")
            return new HttpResponse(405, "text/plain; charset=utf-8", "ONVIF services take SOAP 1.2 over POST\n"u8.ToArray(), [new("Allow", "POST")]);
        var read = SoapMessage.Read(request.Body, MaxEnvelopeBytes);
        if (!read.TryGetValue(out var message, out var error))
        {
            var code = error.Code == Appliance.Plugins.Onvif.Protocol.ErrorKind.UnexpectedMessage && error.Message.Contains("SOAP 1.1", StringComparison.Ordinal)
                ? "VersionMismatch" : "Sender";
            return Fault(400, code, [error.Code == Appliance.Plugins.Onvif.Protocol.ErrorKind.UnexpectedMessage ? "InvalidArgs" : "WellFormed"], error.Message);
        }
        if (!_operations.TryGetValue(message.Body.Name, out var operation))
            return Fault(400, "Sender", ["ActionNotSupported"], $"{message.Body.Name.LocalName} ({message.Body.Name.NamespaceName}) is not an operation of this device");

        Abstractions.Services.VerifiedUser? user = null;
        if (operation.Role is { } required)
        {
            switch (await _authenticator.AuthenticateAsync(request, message.Header, cancellationToken).ConfigureAwait(false))
            {
                case AuthOutcome.Challenge challenge:
                    return new HttpResponse(401, "application/soap+xml; charset=utf-8",
                        FacadeSoap.Fault("Sender", ["NotAuthorized"], "Sender not Authorized: " + challenge.Reason),
                        [new("WWW-Authenticate", _authenticator.Digest.Challenge(challenge.Stale))]);
                case AuthOutcome.Refused refused:
                    _log.Warn("onvif facade: {Operation} refused: {Reason}", operation.Name.LocalName, refused.Why.Message);
                    return Fault(400, "Sender", ["NotAuthorized"], "Sender not Authorized: " + refused.Why.Message);
                case AuthOutcome.Authenticated authenticated:
                    if (authenticated.User.Role < required)
                        return Fault(400, "Sender", ["NotAuthorized"], $"Sender not Authorized: {operation.Name.LocalName} needs the {required.ToString().ToLowerInvariant()} role");
                    user = authenticated.User;
                    break;
            }
        }
        var result = await operation.Handle(new OperationContext(message.Body, endpoint, request.Path, user), cancellationToken).ConfigureAwait(false);
        return result.TryGetValue(out var body, out var failure)
            ? HttpResponse.Soap(200, FacadeSoap.Envelope(body))
            : HttpResponse.Soap(400, FacadeSoap.Fault(failure));
    }

    private static HttpResponse Fault(int status, string code, IReadOnlyList<string> subcodes, string reason) =>
        HttpResponse.Soap(status, FacadeSoap.Fault(code, subcodes, reason));
}
