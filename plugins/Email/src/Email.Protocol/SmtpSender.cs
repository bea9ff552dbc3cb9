using System.Net.Security;
using Appliance.Abstractions;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Appliance.Plugins.Email.Protocol;

/// <summary>
/// Sends one message per call with MailKit. Never throws for a server's refusal or network trouble: failures carry a
/// code (<c>malformed</c> address, <c>transport</c>, <c>timeout</c>, <c>tls</c>, <c>auth</c>, <c>rejected</c> by the
/// server with its SMTP status). Certificates are validated normally unless the caller passes its own check.
/// </summary>
public sealed class SmtpSender(RemoteCertificateValidationCallback? certificateCheck = null)
{
    public const int MaxAttachmentBytes = 10 * 1024 * 1024;

    public static Result<MimeMessage> Build(SmtpSettings settings, EmailMessage message)
    {
        if (!MailboxAddress.TryParse(settings.From, out var from)) return Result<MimeMessage>.Fail("malformed", $"from: \"{settings.From}\" is not an e-mail address");
        if (message.To.Count == 0) return Result<MimeMessage>.Fail("malformed", "to: no recipient");
        var mime = new MimeMessage();
        mime.From.Add(from);
        foreach (var to in message.To)
        {
            if (!MailboxAddress.TryParse(to, out var address) || !address.Address.Contains('@'))
                return Result<MimeMessage>.Fail("malformed", $"to: \"{to}\" is not an e-mail address");
            mime.To.Add(address);
        }
        mime.Subject = message.Subject.ReplaceLineEndings(" ");
        var body = new BodyBuilder { TextBody = message.Body };
        foreach (var a in message.Attachments)
        {
            if (a.Content.Length > MaxAttachmentBytes) return Result<MimeMessage>.Fail("too-large", $"attachment {a.FileName}: {a.Content.Length} bytes; the limit is {MaxAttachmentBytes}");
            body.Attachments.Add(a.FileName, a.Content, ContentType.Parse(a.MediaType));
        }
        mime.Body = body.ToMessageBody();
        return mime;
    }

    public async Task<Result<string>> SendAsync(SmtpSettings settings, EmailMessage message, CancellationToken ct)
    {
        var built = Build(settings, message);
        if (!built.IsOk) return Result<string>.Fail(built.Failure!);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(settings.Timeout);
        // The whole exchange is bounded by cts; MailKit's own per-read timeout is only a backstop behind it (at the same
        // value the two raced, and MailKit's IOException then read as a transport error instead of a timeout).
        using var client = new SmtpClient { Timeout = (int)(settings.Timeout.TotalMilliseconds * 2) };
        if (certificateCheck is not null) client.ServerCertificateValidationCallback = certificateCheck;
        var where = $"{settings.Host}:{settings.Port}";
        try
        {
            var options = settings.Security switch
            {
                SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(settings.Host, settings.Port, options, cts.Token);
            if (settings.Username is not null) await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cts.Token);
            var answer = await client.SendAsync(built.Value, cts.Token);
            await client.DisconnectAsync(true, cts.Token);
            return answer;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && (ex is OperationCanceledException || cts.IsCancellationRequested))
        {
            return Result<string>.Fail("timeout", $"{where}: no answer within {settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (ServiceNotAuthenticatedException ex)
        {
            return Result<string>.Fail("auth", $"{where}: the server requires authentication ({ex.Message})");
        }
        catch (AuthenticationException ex)
        {
            return Result<string>.Fail("auth", $"{where}: authentication failed ({ex.Message})");
        }
        catch (SslHandshakeException ex)
        {
            return Result<string>.Fail("tls", $"{where}: TLS handshake failed ({ex.Message.Split('\n')[0]})");
        }
        catch (SmtpCommandException ex)
        {
            return Result<string>.Fail(ex.StatusCode == SmtpStatusCode.AuthenticationRequired ? "auth" : "rejected", $"{where}: {(int)ex.StatusCode} {ex.Message}");
        }
        catch (SmtpProtocolException ex)
        {
            return Result<string>.Fail("transport", $"{where}: protocol error ({ex.Message})");
        }
        catch (NotSupportedException ex)
        {
            return Result<string>.Fail("tls", $"{where}: {ex.Message}");
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or ServiceNotConnectedException)
        {
            return Result<string>.Fail("transport", $"{where}: {ex.Message}");
        }
    }
}
