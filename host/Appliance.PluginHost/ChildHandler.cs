using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Isolation.Bridge;
using Appliance.Isolation.Wire;

namespace Appliance.PluginHost;

/// <summary>What the child does with the host's calls: start and stop the plugin, deliver events and HTTP requests,
/// push camera lists and stream descriptors, wake ring readers.</summary>
internal sealed class ChildHandler(HostLink host, string entryPath, string ringFolder) : IChannelHandler
{
    private static readonly JsonElement Ok = JsonDocument.Parse("{}").RootElement;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<CameraInfo>? _earlyCameras;
    private RemoteContext? _context;
    private IPlugin? _plugin;

    /// <summary>Completes after the plugin stopped on the host's request.</summary>
    public Task Stopped => _stopped.Task;

    public async ValueTask<Result<JsonElement>> HandleRequestAsync(string op, JsonElement args, CancellationToken cancellationToken)
    {
        switch (op)
        {
            case Ops.Start:
                var start = WireJson.Decode<StartArgs>(args, op);
                if (!start.TryGetValue(out var s, out var bad)) return Result<JsonElement>.Fail(bad);
                var context = new RemoteContext(host, _earlyCameras is { } cams ? s with { Cameras = cams } : s, ringFolder);
                _context = context;
                try
                {
                    _plugin = new PluginAssemblyContext(entryPath).CreatePlugin();
                    await _plugin.StartAsync(context, cancellationToken);
                    return Ok;
                }
                catch (Exception ex)
                {
                    return Result<JsonElement>.Fail("start", $"threw at start: {ex.GetType().Name}: {ex.Message}");
                }
            case Ops.Stop:
                try
                {
                    if (_plugin is not null) await _plugin.StopAsync(cancellationToken);
                }
                finally
                {
                    if (_context is not null) await _context.DisposeAsync();
                    _stopped.TrySetResult();
                }
                return Ok;
            case Ops.DeliverEvent:
                var delivery = WireJson.Decode<DeliverEventArgs>(args, op);
                if (!delivery.TryGetValue(out var d, out var badDelivery)) return Result<JsonElement>.Fail(badDelivery);
                await Require().RemoteEvents.DeliverAsync(d, cancellationToken);
                return Ok;
            case Ops.HandleHttp:
                var request = WireJson.Decode<HttpRequestArgs>(args, op);
                if (!request.TryGetValue(out var r, out var badRequest)) return Result<JsonElement>.Fail(badRequest);
                return WireJson.Element(await Require().RemoteRoutes.HandleAsync(r, cancellationToken));
            default:
                return Result<JsonElement>.Fail("unknown-op", $"'{op}' is not a host-to-child operation of protocol version {Frame.ProtocolVersion}");
        }
    }

    public void HandleNotify(string op, JsonElement args)
    {
        switch (op)
        {
            case Ops.CamerasChanged:
                var cameras = WireJson.Decode<CamerasArgs>(args, op);
                if (!cameras.IsOk) return;
                if (_context is { } c) c.RemoteCameras.Changed(cameras.Value.Cameras);
                else _earlyCameras = cameras.Value.Cameras;
                break;
            case Ops.StreamDescriptor:
                var descriptor = WireJson.Decode<StreamDescriptorArgs>(args, op);
                if (descriptor.IsOk) _context?.RemoteStreams.DescriptorChanged(descriptor.Value);
                break;
        }
    }

    public void HandleRingTick(uint ring, ulong sequence) => _context?.RemoteStreams.Tick(ring);

    public Failure? HandleHttpFrame(Frame frame) =>
        _context is { } c ? c.RemoteHttp.Handle(frame) : new Failure("malformed", $"a {frame.Kind} frame before the plugin started");

    private RemoteContext Require() => _context ?? throw new InvalidOperationException("the plugin has not started");
}
