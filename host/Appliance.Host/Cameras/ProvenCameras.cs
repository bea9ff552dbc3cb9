using Appliance.Abstractions;

namespace Appliance.Host.Cameras;

/// <summary>
/// Adding and changing cameras with proof: before a stream URI is stored, the RTSP plugin's probe must play it to a
/// keyframe (<see cref="CameraProbe"/>); a stream that fails is refused with the probe's code and the reason in the
/// appliance's words (<see cref="CameraProbeWording"/>). <c>force</c> stores it anyway (a camera that is offline at
/// install time). A change is proven only when it touches the stream (URI, user, password, RTSP transport or port).
/// When the RTSP plugin is not running nothing could pull the stream either: the camera is stored and the answer says
/// it was not proven. What a probe found is kept with the camera (<see cref="CameraStore.RecordProof"/>).
/// </summary>
public sealed class ProvenCameras(CameraStore store, CameraProbe probe)
{
    /// <summary>The codes of a refusal because the probe failed (the API answers 422).</summary>
    public static bool IsProbeRefusal(Failure failure) =>
        failure.Code is not (CameraRefusal.NotFound or Failure.InvalidCode);

    public async Task<Result<CameraView>> AddAsync(CameraInput input, bool force, CancellationToken ct)
    {
        var normal = CameraCredentials.MoveOutOfUris(input);
        var errors = CameraValidation.Validate(normal, requireLocation: true);
        if (errors.Count > 0) return Failure.Invalid(errors);
        var proof = await ProveAsync(normal, null, force, ct);
        if (proof is { IsOk: false } refused) return refused.Failure!;
        return Remember(store.Add(input), proof);
    }

    public async Task<Result<CameraView>> UpdateAsync(string id, CameraInput input, bool force, CancellationToken ct)
    {
        var current = store.List().FirstOrDefault(c => c.Id == id);
        if (current is null) return Result<CameraView>.Fail(CameraRefusal.NotFound, $"camera '{id}' does not exist");
        var normal = CameraCredentials.MoveOutOfUris(input);
        if (CameraValidation.Validate(normal, requireLocation: false).Count == 0 && TouchesStream(current, normal))
        {
            var proof = await ProveAsync(normal, current, force, ct);
            if (proof is { IsOk: false } refused) return refused.Failure!;
            return Remember(store.Update(id, input), proof);
        }
        return store.Update(id, input);
    }

    /// <summary>Null when there is nothing to prove (no stream URI, forced, the plugin not running); else the probe's result.</summary>
    private async Task<Result<StreamProof>?> ProveAsync(CameraInput input, CameraInfo? current, bool force, CancellationToken ct)
    {
        if (force || input.StreamUri is null) return null;
        var camera = new CameraInfo(current?.Id ?? "new", input.Name ?? current?.Name ?? "new", input.Enabled ?? true, input.StreamUri, input.OnvifUri,
            input.Username, input.Password ?? current?.Password, input.Overrides ?? new CameraOverrides());
        var proof = await probe.ProveAsync(camera, ct);
        if (proof.IsOk) return proof;
        if (proof.Failure!.Code == CameraProbe.Unavailable) return null;
        return new Failure(proof.Failure.Code, CameraProbeWording.Sentence(proof.Failure));
    }

    private Result<CameraView> Remember(Result<CameraView> stored, Result<StreamProof>? proof)
    {
        if (!stored.IsOk || proof is not { IsOk: true } proven) return stored;
        store.RecordProof(stored.Value.Id, proven.Value);
        return store.Get(stored.Value.Id)!;
    }

    private static bool TouchesStream(CameraInfo current, CameraInput input) =>
        input.StreamUri is not null && (
            !string.Equals(input.StreamUri, current.StreamUri, StringComparison.Ordinal)
            || input.Username != current.Username
            || (input.Password is not null && input.Password != current.Password)
            || (input.Overrides?.RtspTransport ?? "auto") != (current.Overrides.RtspTransport ?? "auto")
            || input.Overrides?.RtspPort != current.Overrides.RtspPort);
}
