using Appliance.Abstractions;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Device;
using Appliance.Plugins.Onvif.Protocol.Media;
using Appliance.Plugins.Onvif.Protocol.Security;
using Appliance.Plugins.Onvif.Protocol.Soap;

namespace Appliance.Plugins.Onvif.Protocol.Client;

/// <summary>
/// One ONVIF device: its device service address and the SOAP client that talks to it.
/// Device management and media operations here; PTZ and events in the other parts of this class.
/// </summary>
public sealed partial class OnvifClient(SoapHttpClient soap, Uri deviceAddress)
{
    public Uri DeviceAddress => deviceAddress;

    public SoapHttpClient Soap => soap;

    /// <summary>
    /// GetSystemDateAndTime without credentials (ONVIF Core lets it run before authentication), then sets the clock offset
    /// every later UsernameToken is stamped with. Returns the camera's UTC time.
    /// </summary>
    public async Task<Result<DateTimeOffset>> SynchronizeClockAsync(CancellationToken cancellationToken = default)
    {
        var sentAt = soap.Time.GetUtcNow();
        var response = await soap.CallAsync(deviceAddress, DeviceMessages.GetSystemDateAndTime(), authenticate: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.IsOk && response.Failure!.Code == ErrorKind.NotAuthorized)
            response = await soap.CallAsync(deviceAddress, DeviceMessages.GetSystemDateAndTime(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var receivedAt = soap.Time.GetUtcNow();
        var cameraTime = response.Bind(m => DeviceMessages.ParseSystemDateAndTime(m.Body));
        if (cameraTime.IsOk) soap.Clock = ClockOffset.Measure(cameraTime.Value, sentAt, receivedAt);
        return cameraTime;
    }

    public Task<Result<DeviceInformation>> GetDeviceInformationAsync(CancellationToken cancellationToken = default) =>
        CallAsync(deviceAddress, DeviceMessages.GetDeviceInformation(), DeviceMessages.ParseDeviceInformation, cancellationToken);

    public Task<Result<DeviceCapabilities>> GetCapabilitiesAsync(CancellationToken cancellationToken = default) =>
        CallAsync(deviceAddress, DeviceMessages.GetCapabilities(), DeviceMessages.ParseCapabilities, cancellationToken);

    public Task<Result<IReadOnlyList<ServiceEntry>>> GetServicesAsync(CancellationToken cancellationToken = default) =>
        CallAsync(deviceAddress, DeviceMessages.GetServices(), DeviceMessages.ParseServices, cancellationToken);

    /// <summary>Service addresses from GetServices; devices that predate it (or fault) are asked GetCapabilities.</summary>
    public async Task<Result<ServiceAddresses>> GetServiceAddressesAsync(CancellationToken cancellationToken = default)
    {
        var services = await GetServicesAsync(cancellationToken).ConfigureAwait(false);
        if (services.IsOk) return ServiceAddresses.FromServices(deviceAddress, services.Value);
        if (services.Failure!.Code is ErrorKind.Transport or ErrorKind.NotAuthorized) return services.Failure;
        var capabilities = await GetCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        return capabilities.Map(c => c.ToAddresses(deviceAddress));
    }

    public Task<Result<IReadOnlyList<MediaProfile>>> GetProfilesAsync(Uri media, CancellationToken cancellationToken = default) =>
        CallAsync(media, MediaMessages.GetProfiles(), MediaMessages.ParseProfiles, cancellationToken);

    public Task<Result<Uri>> GetStreamUriAsync(Uri media, string profileToken, CancellationToken cancellationToken = default) =>
        CallAsync(media, MediaMessages.GetStreamUri(profileToken), r => MediaMessages.ParseMediaUri(r, "GetStreamUriResponse"), cancellationToken);

    public Task<Result<Uri>> GetSnapshotUriAsync(Uri media, string profileToken, CancellationToken cancellationToken = default) =>
        CallAsync(media, MediaMessages.GetSnapshotUri(profileToken), r => MediaMessages.ParseMediaUri(r, "GetSnapshotUriResponse"), cancellationToken);

    public Task<Result<IReadOnlyList<MediaProfile>>> GetProfiles2Async(Uri media2, CancellationToken cancellationToken = default) =>
        CallAsync(media2, Media2Messages.GetProfiles(), Media2Messages.ParseProfiles, cancellationToken);

    public Task<Result<Uri>> GetStreamUri2Async(Uri media2, string profileToken, CancellationToken cancellationToken = default) =>
        CallAsync(media2, Media2Messages.GetStreamUri(profileToken), r => Media2Messages.ParseUri(r, "GetStreamUriResponse"), cancellationToken);

    private async Task<Result<T>> CallAsync<T>(Uri address, XElement request, Func<XElement, Result<T>> parse, CancellationToken cancellationToken)
    {
        var response = await soap.CallAsync(address, request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Bind(m => parse(m.Body));
    }

    private async Task<Result<T>> CallAsync<T>(Uri address, XElement request, Func<SoapMessage, Result<T>> parse, string action,
        IEnumerable<XElement>? headers, TimeSpan? extraTimeout, CancellationToken cancellationToken)
    {
        var response = await soap.CallAsync(address, request, action, headers, extraTimeout: extraTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Bind(parse);
    }
}
