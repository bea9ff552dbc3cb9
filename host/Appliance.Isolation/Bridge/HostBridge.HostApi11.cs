using System.Collections.Concurrent;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Isolation.Wire;

namespace Appliance.Isolation.Bridge;

/// <summary>The HostApi 1.1 members of the context, bridged: settings, secrets, users, named events, metrics, data use.
/// A host without a member (a 1.0 test double) answers <c>unsupported</c>.</summary>
internal sealed partial class HostBridge
{
    private readonly ConcurrentDictionary<(string Kind, string Name), object> _metrics = new();

    private async ValueTask<Result<JsonElement>> HandleHostApi11Async(string op, JsonElement args, CancellationToken cancellationToken)
    {
        try
        {
            switch (op)
            {
                case Ops11.Settings:
                    return WireJson.Element(_context.HostSettings.Current);
                case Ops11.SecretGet:
                    return await With<SecretArgs>(args, op, async a => WireJson.Element(await _context.Secrets.GetAsync(a.Name, cancellationToken)));
                case Ops11.SecretSet:
                    return await With<SecretArgs>(args, op, async a =>
                    {
                        await _context.Secrets.SetAsync(a.Name, a.Value ?? "", cancellationToken);
                        return Ok;
                    });
                case Ops11.SecretDelete:
                    return await With<SecretArgs>(args, op, async a => WireJson.Element(await _context.Secrets.DeleteAsync(a.Name, cancellationToken)));
                case Ops11.SecretNames:
                    return WireJson.Element(await _context.Secrets.NamesAsync(cancellationToken));
                case Ops11.VerifyPassword:
                    return await With<PasswordArgs>(args, op, async a => Carry(await _context.Users.VerifyPasswordAsync(a.User, a.Password, cancellationToken)));
                case Ops11.DigestHa1:
                    return await With<DigestArgs>(args, op, async a => Carry(await _context.Users.GetDigestHa1Async(a.User, a.Realm, a.Algorithm, cancellationToken)));
                case Ops11.RegisterEventType:
                    return With<RegisterEventTypeArgs>(args, op, a => Carry(_context.NamedEvents.Register(a.Type, a.Category, a.JsonSchema, a.Description)));
                case Ops11.EventTypes:
                    return WireJson.Element(_context.NamedEvents.Types());
                case Ops11.PublishNamed:
                    return await With<PublishNamedArgs>(args, op, async a => Carry(await _context.NamedEvents.PublishAsync(a.Type, a.Data, cancellationToken)));
                case Ops11.SubscribeNamed:
                    return With<SubscribeNamedArgs>(args, op, a =>
                    {
                        var handle = _context.NamedEvents.Subscribe(a.Subscription, a.Filter, (envelope, ct) => DeliverAsync(a.Handle, envelope, ct));
                        if (_subscriptions.TryAdd(a.Handle, handle)) return Ok;
                        handle.Dispose();
                        return Result<JsonElement>.Fail("malformed", $"subscription handle {a.Handle} is already in use");
                    });
                default:
                    return Result<JsonElement>.Fail("unknown-op", $"'{op}' is not an operation of protocol version {Frame.ProtocolVersion}");
            }
        }
        catch (NotSupportedException ex)
        {
            return Result<JsonElement>.Fail("unsupported", ex.Message);
        }
        catch (ArgumentException ex)
        {
            return Result<JsonElement>.Fail("invalid", ex.Message);
        }
    }

    private void HandleHostApi11Notify(string op, JsonElement args)
    {
        if (op == Ops11.DataUse)
        {
            Use<DataUseArgs>(args, op, a =>
            {
                try
                {
                    _context.DataUse.Record(a.Category, a.Bytes);
                }
                catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
                {
                    _context.Logger.Log(PluginLogLevel.Warning, null, "data use from the plugin's process refused: {Reason}", ex.Message);
                }
            });
            return;
        }

        if (op != Ops11.Metric)
        {
            _faulted.TrySetResult(new Failure("unknown-op", $"'{op}' is not a notification of protocol version {Frame.ProtocolVersion}"));
            return;
        }
        Use<MetricArgs>(args, op, a =>
        {
            try
            {
                var metric = _metrics.GetOrAdd((a.Kind, a.Name), _ => a.Kind switch
                {
                    "counter" => _context.Metrics.Counter(a.Name, a.Help, a.LabelNames),
                    "gauge" => _context.Metrics.Gauge(a.Name, a.Help, a.LabelNames),
                    "histogram" => _context.Metrics.Histogram(a.Name, a.Help, a.Buckets ?? [], a.LabelNames),
                    _ => throw new ArgumentException($"unknown metric kind '{a.Kind}'"),
                });
                switch (metric)
                {
                    case IMetricCounter c: c.Add(a.Value, a.LabelValues); break;
                    case IMetricGauge g: g.Set(a.Value, a.LabelValues); break;
                    case IMetricHistogram h: h.Record(a.Value, a.LabelValues); break;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                _context.Logger.Log(PluginLogLevel.Warning, null, "metric {Name} from the plugin's process refused: {Reason}", a.Name, ex.Message);
            }
        });
    }

    private static Result<JsonElement> Carry<T>(Result<T> result) =>
        WireJson.Element(result.IsOk ? new ResultArgs<T>(result.Value, null) : new ResultArgs<T>(default, result.Failure));

    private void DisposeHostApi11() => _metrics.Clear();
}
