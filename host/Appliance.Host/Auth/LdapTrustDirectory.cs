using Appliance.Abstractions;

namespace Appliance.Host.Auth;

/// <summary>
/// The CA that signs the directory's certificate, in the form libldap takes per connection on Linux: a directory
/// of PEM files (<c>LDAP_OPT_X_TLS_CACERTDIR</c>, through <c>SessionOptions.TrustedCertificatesDirectory</c>).
/// <c>SessionOptions.VerifyServerCertificate</c>, the managed callback, is Windows-only and throws on Linux. The
/// configured CA file is copied into <c>&lt;data&gt;/ldap-trust/</c> (0700, file 0600) whenever its content
/// changes; the copy is replaced atomically, so a login running at the same time reads the old or the new file.
/// </summary>
public static class LdapTrustDirectory
{
    public const string FileName = "directory-ca.pem";

    /// <summary>The directory to hand to libldap, or why there is none (the CA file is missing, unreadable or holds no certificate).</summary>
    public static Result<string> Prepare(string caFile, string trustDirectory)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Result<string>.Fail("ca-file", $"auth.ldap.trustedCaFile {caFile} cannot be read: {ex.Message}");
        }
        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            return Result<string>.Fail("ca-file", $"auth.ldap.trustedCaFile {caFile} holds no PEM certificate");

        var target = Path.Combine(trustDirectory, FileName);
        try
        {
            if (File.Exists(target) && File.ReadAllText(target) == pem) return trustDirectory;
            Directory.CreateDirectory(trustDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var temporary = Path.Combine(trustDirectory, $".{Guid.NewGuid():N}.tmp");
            File.WriteAllText(temporary, pem);
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, target, overwrite: true);
            return trustDirectory;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Result<string>.Fail("trust-directory", $"{trustDirectory} cannot be written: {ex.Message}");
        }
    }
}
