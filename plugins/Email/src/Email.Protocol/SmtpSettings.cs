namespace Appliance.Plugins.Email.Protocol;

/// <summary>How to reach the mail server: <c>none</c> (plain, port 25), <c>starttls</c> (587), <c>tls</c> (implicit TLS, 465).</summary>
public enum SmtpSecurity { None, StartTls, Tls }

/// <summary>An SMTP server and the sender; credentials optional (both or neither).</summary>
public sealed record SmtpSettings(
    string Host,
    int Port,
    SmtpSecurity Security,
    string From,
    string? Username,
    string? Password,
    TimeSpan Timeout);

/// <summary>A file attached to a message (e.g. the event's snapshot).</summary>
public sealed record EmailAttachment(string FileName, string MediaType, byte[] Content);

/// <summary>One message to send.</summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string Body, IReadOnlyList<EmailAttachment> Attachments);
