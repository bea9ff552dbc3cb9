using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Shared;
using Appliance.Plugins.Email.Protocol;

namespace Appliance.Plugins.Email;

/// <summary>
/// Delivers <see cref="RuleActionRequested"/> events of kind <c>email</c> through one durable subscription
/// (<c>smtp</c>): a mail server that is down holds the messages in the outbox until it is back. Over the per-rule
/// rate limit, or older than <c>maxAgeMinutes</c> when sending fails, a message is reported as
/// <see cref="RuleActionExpired"/> (never silently dropped). The alert image named by the action's
/// <c>snapshotPath</c> parameter (the media plugin's kept JPEG) is attached when it is still there, a JPEG and within
/// <see cref="SmtpSender.MaxAttachmentBytes"/>; otherwise the message goes without it and its text says why. Every
/// attached image is counted as data use <c>thumbnails</c> once its message is accepted.
/// </summary>
public sealed class EmailPlugin : IPlugin
{
    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var c = context.Config;
        var host = c.GetProperty("host").GetString() ?? "";
        if (host.Length == 0)
        {
            context.Health.Report("smtp", HealthState.Healthy, "no mail server configured: e-mail actions wait in the outbox");
            return Task.CompletedTask;
        }
        var security = c.GetProperty("security").GetString() switch { "none" => SmtpSecurity.None, "tls" => SmtpSecurity.Tls, _ => SmtpSecurity.StartTls };
        var user = c.GetProperty("username").GetString();
        var settings = new SmtpSettings(host, c.GetProperty("port").GetInt32(), security, c.GetProperty("from").GetString() ?? "",
            string.IsNullOrEmpty(user) ? null : user, (c.TryGetProperty("password", out var pw) ? pw.GetString() : null), TimeSpan.FromSeconds(c.GetProperty("timeoutSeconds").GetInt32()));
        var limit = new RuleRateLimit(c.GetProperty("maxPerRulePerHour").GetInt32(), TimeSpan.FromHours(1));
        var maxAge = TimeSpan.FromMinutes(c.GetProperty("maxAgeMinutes").GetInt32());
        var pin = CertificatePin.Parse(c.TryGetProperty("certificateSha256", out var pinText) ? pinText.GetString() : null);
        if (!pin.IsOk) throw new InvalidOperationException(pin.Failure!.Message);
        var sender = new SmtpSender(pin.Value?.Validation);

        context.Events.Subscribe("smtp", [nameof(RuleActionRequested)], async (envelope, ct) =>
        {
            if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null || action.Kind != "email") return;
            var age = context.Time.GetUtcNow() - envelope.OccurredAt;
            if (!limit.TryAcquire(action.RuleId, context.Time.GetUtcNow()))
            {
                await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, settings.Host, 0, age, "rate limit of the rule reached"), ct);
                return;
            }
            var thumbnail = AlertThumbnails.Read(action.Parameters, SmtpSender.MaxAttachmentBytes);
            var message = new EmailMessage(action.Recipients, action.Parameters.GetValueOrDefault("subject") ?? action.RuleName,
                $"Rule {action.RuleName} ({action.RuleId}) fired on {action.TriggerEventType} at {action.TriggeredAt:O}.\nCamera: {action.CameraId}\nInput: {action.Input}\nRegion: {action.Region}{SnapshotLine(thumbnail)}",
                thumbnail is { IsOk: true } t ? [new EmailAttachment(t.Value.SnapshotId + ".jpg", AlertThumbnail.ContentType, t.Value.Jpeg)] : []);
            var sent = await sender.SendAsync(settings, message, ct);
            if (sent.IsOk)
            {
                if (thumbnail is { IsOk: true } attached) context.DataUse.Record(DataUseCategories.Thumbnails, attached.Value.Jpeg.Length);
                await context.Events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, settings.Host, 1, context.Time.GetUtcNow()), ct);
                context.Health.Report("smtp", HealthState.Healthy, "last message accepted");
                return;
            }
            if (sent.Failure!.Code is "malformed" or "too-large" || age > maxAge)
            {
                await context.Events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, settings.Host, 1, age, sent.Failure.ToString()), ct);
                return;
            }
            context.Health.Report("smtp", HealthState.Degraded, sent.Failure.ToString());
            throw new IOException($"e-mail for rule {action.RuleId} not sent yet: {sent.Failure}");
        });
        context.Health.Report("smtp", HealthState.Healthy, $"ready: {host}:{settings.Port} ({security})");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The body's last line about the alert image: attached, or why not (nothing when the rule had none).</summary>
    private static string SnapshotLine(Result<AlertThumbnail>? thumbnail) => thumbnail switch
    {
        null => "",
        { IsOk: true } t => $"\nSnapshot: attached ({t.Value.SnapshotId}.jpg, {t.Value.Width}x{t.Value.Height})",
        { } failed => $"\nSnapshot: not attached: {failed.Failure!.Message}",
    };
}
