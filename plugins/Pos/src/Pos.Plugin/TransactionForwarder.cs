using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Pos;

/// <summary>
/// Forwards each <see cref="PosEventTypes.Completed"/> event to the configured HTTPS endpoint as a JSON POST
/// (<c>{ "id": event id, "occurredAt", "transaction": payload }</c>, header <c>Idempotency-Key</c> = event id) from a
/// durable subscription: an endpoint that is down or answers other than 2xx leaves the event in the outbox, which
/// retries it later; nothing is dropped.
/// </summary>
internal sealed class TransactionForwarder(IPluginContext context, HttpClient client, Uri url, TimeSpan timeout) : IDisposable
{
    public const string Component = "forward";

    public async Task DeliverAsync(EventEnvelope envelope, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["id"] = envelope.Id.ToString(),
            ["occurredAt"] = envelope.OccurredAt.ToString("O"),
            ["transaction"] = JsonNode.Parse(envelope.Data.GetRawText()),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", envelope.Id.ToString());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, cts.Token);
            if (!response.IsSuccessStatusCode)
                throw Fail($"{url.GetLeftPart(UriPartial.Authority)} answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            throw Fail($"{url.GetLeftPart(UriPartial.Authority)}: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Fail($"{url.GetLeftPart(UriPartial.Authority)}: no answer within {timeout.TotalSeconds:0} s");
        }
        context.Health.Report(Component, HealthState.Healthy, $"last transaction forwarded at {context.Time.GetUtcNow():O}");
    }

    private IOException Fail(string why)
    {
        context.Health.Report(Component, HealthState.Degraded, $"not forwarded yet (kept in the outbox): {why}");
        return new IOException($"POS transaction not forwarded: {why}");
    }

    public void Dispose() => client.Dispose();

}
