using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Ptz;

namespace Appliance.Plugins.Onvif.Protocol.Client;

/// <summary>PTZ operations (ONVIF PTZ Service Specification).</summary>
public sealed partial class OnvifClient
{
    public async Task<Result<bool>> ContinuousMoveAsync(Uri ptz, string profileToken, PtzVelocity velocity, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        var valid = velocity.Validate();
        if (!valid.IsOk) return valid.Failure!;
        return await CallAsync(ptz, PtzMessages.ContinuousMove(profileToken, velocity, timeout),
            r => PtzMessages.ParseAcknowledgement(r, "ContinuousMoveResponse"), cancellationToken).ConfigureAwait(false);
    }

    public Task<Result<bool>> StopAsync(Uri ptz, string profileToken, CancellationToken cancellationToken = default) =>
        CallAsync(ptz, PtzMessages.Stop(profileToken), r => PtzMessages.ParseAcknowledgement(r, "StopResponse"), cancellationToken);

    public Task<Result<IReadOnlyList<PtzPreset>>> GetPresetsAsync(Uri ptz, string profileToken, CancellationToken cancellationToken = default) =>
        CallAsync(ptz, PtzMessages.GetPresets(profileToken), PtzMessages.ParsePresets, cancellationToken);

    public Task<Result<bool>> GotoPresetAsync(Uri ptz, string profileToken, string presetToken, CancellationToken cancellationToken = default) =>
        CallAsync(ptz, PtzMessages.GotoPreset(profileToken, presetToken), r => PtzMessages.ParseAcknowledgement(r, "GotoPresetResponse"), cancellationToken);

    public Task<Result<string>> SetPresetAsync(Uri ptz, string profileToken, string presetName, CancellationToken cancellationToken = default) =>
        CallAsync(ptz, PtzMessages.SetPreset(profileToken, presetName), PtzMessages.ParseSetPreset, cancellationToken);
}
