using System.Net.Http.Headers;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Genetec.Protocol;

/// <summary>
/// Web SDK authentication (Security Center SDK Developer Guide 5.14, "Web SDK", authentication): HTTP Basic whose
/// user name is the Security Center user, a semicolon, then the ApplicationId of the SDK certificate
/// (<c>jsmith;KxsD11z7...</c>), and whose password is the user's password.
/// </summary>
public sealed record WebSdkCredentials(string Username, string ApplicationId, string Password)
{
    /// <summary>The most characters of any one field.</summary>
    public const int MaxFieldLength = 256;

    /// <summary>Checks the fields (Basic cannot carry a ':' in the user name, nor ';' without confusing the application id).</summary>
    public static Result<WebSdkCredentials> Create(string? username, string? applicationId, string? password)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(username) || username.Length > MaxFieldLength || username.IndexOfAny([':', ';']) >= 0 || username.Any(char.IsControl))
            errors.Add($"username: 1 to {MaxFieldLength} characters, without ':', ';' or control characters");
        if (string.IsNullOrEmpty(applicationId) || applicationId.Length > MaxFieldLength || applicationId.IndexOfAny([':', ';']) >= 0 || applicationId.Any(char.IsControl))
            errors.Add($"applicationId: the SDK certificate's ApplicationId, 1 to {MaxFieldLength} characters, without ':', ';' or control characters");
        if (password is null || password.Length > MaxFieldLength || password.Any(char.IsControl))
            errors.Add($"password: at most {MaxFieldLength} characters, without control characters");
        return errors.Count > 0
            ? Result<WebSdkCredentials>.Fail("invalid-config", string.Join("; ", errors))
            : new WebSdkCredentials(username!, applicationId!, password!);
    }

    /// <summary><c>Basic base64(utf8("user;applicationId:password"))</c>.</summary>
    public AuthenticationHeaderValue ToHeader() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username};{ApplicationId}:{Password}")));

    public override string ToString() => $"{Username};{ApplicationId} (password hidden)";
}
