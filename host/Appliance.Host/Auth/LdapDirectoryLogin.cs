using System.DirectoryServices.Protocols;
using System.Net;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

/// <summary>
/// LDAP / Active Directory logins (System.DirectoryServices.Protocols over OpenLDAP's libldap): binds as the
/// user over <c>ldaps://</c> (636) or <c>ldap://</c> with StartTLS (389) — never in clear — then maps the user's
/// groups to a role (highest wins; no mapped group, no login). libldap checks the directory's certificate and
/// host name against <see cref="LdapOptions.TrustedCaFile"/> (see <see cref="LdapTrustDirectory"/>) and the trust
/// store its own configuration names (Debian: <c>TLS_CACERT</c> in /etc/ldap/ldap.conf, the system bundle).
/// A failed StartTLS ends the attempt: nothing is ever sent in clear.
/// </summary>
public sealed class LdapDirectoryLogin(IOptions<ApplianceOptions> options, ILogger<LdapDirectoryLogin> log) : IDirectoryLogin
{
    private LdapOptions Settings => options.Value.Auth.Ldap;

    public bool Enabled => Settings.Url is { Length: > 0 } && Settings.UserDnTemplate is { Length: > 0 };

    public Task<string?> VerifyAsync(string userName, string password, CancellationToken ct) =>
        Task.Run(() => Verify(userName, password), ct);

    private string? Verify(string userName, string password)
    {
        if (!Enabled || password.Length == 0 || !Uri.TryCreate(Settings.Url, UriKind.Absolute, out var url)) return null;
        var secure = url.Scheme.Equals("ldaps", StringComparison.OrdinalIgnoreCase);
        if (!secure && !url.Scheme.Equals("ldap", StringComparison.OrdinalIgnoreCase)) return null;
        if (!OperatingSystem.IsLinux())
        {
            log.LogWarning("Directory login refused: the directory's certificate can only be checked on Linux (libldap)");
            return null;
        }
        string? trustDirectory = null;
        if (Settings.TrustedCaFile is { Length: > 0 } caFile)
        {
            var prepared = LdapTrustDirectory.Prepare(caFile, options.Value.DataPath("ldap-trust"));
            if (!prepared.TryGetValue(out var directory, out var failure))
            {
                log.LogWarning("Directory login refused: {Reason}", failure.Message);
                return null;
            }
            trustDirectory = directory;
        }
        var port = url.IsDefaultPort || url.Port <= 0 ? (secure ? 636 : 389) : url.Port;
        var userDn = string.Format(System.Globalization.CultureInfo.InvariantCulture, Settings.UserDnTemplate!, EscapeDnValue(userName));
        try
        {
            using var connection = new LdapConnection(new LdapDirectoryIdentifier(url.Host, port, fullyQualifiedDnsHostName: true, connectionless: false))
            {
                AuthType = AuthType.Basic,
                Timeout = TimeSpan.FromSeconds(Settings.TimeoutSeconds),
            };
            var session = connection.SessionOptions;
            session.ProtocolVersion = 3;
            // libldap checks the certificate chain and the host name itself (TLS_REQCERT demand, its default);
            // the trust directory adds the configured CA, and a new TLS context makes this connection use it.
            if (trustDirectory is not null) session.TrustedCertificatesDirectory = trustDirectory;
            session.StartNewTlsSessionContext();
            if (secure) session.SecureSocketLayer = true;
            else LdapStartTls.Start(connection); // throws when StartTLS fails: no bind in clear
            connection.Bind(new NetworkCredential(userDn, password));
            return RoleOf(connection, userDn);
        }
        catch (DirectoryException ex)
        {
            log.LogInformation("Directory login refused: {Kind}: {Reason}", ex.GetType().Name, ex.Message);
            return null;
        }
    }

    private string? RoleOf(LdapConnection connection, string userDn)
    {
        if (Settings.GroupBase is not { Length: > 0 } groupBase) return null;
        var escaped = EscapeFilterValue(userDn);
        var request = new SearchRequest(groupBase, $"(|(member={escaped})(uniqueMember={escaped}))", SearchScope.Subtree, "cn") { SizeLimit = 500 };
        var response = (SearchResponse)connection.SendRequest(request);
        var best = -1;
        string? role = null;
        foreach (SearchResultEntry entry in response.Entries)
        {
            var mapped = Settings.GroupRoles.FirstOrDefault(kv => string.Equals(Normalize(kv.Key), Normalize(entry.DistinguishedName), StringComparison.OrdinalIgnoreCase)).Value;
            if (Roles.Rank(mapped) > best)
            {
                best = Roles.Rank(mapped);
                role = mapped;
            }
        }
        return role;
    }

    private static string Normalize(string dn) => string.Join(",", dn.Split(',').Select(p => p.Trim()));

    /// <summary>RFC 4514 escaping of an attribute value inside a DN.</summary>
    public static string EscapeDnValue(string value)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' || (i == 0 && c is '#' or ' ') || (i == value.Length - 1 && c == ' '))
                sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>RFC 4515 escaping of a value inside a search filter.</summary>
    public static string EscapeFilterValue(string value) =>
        string.Concat(value.Select(c => c switch
        {
            '*' => "\\2a",
            '(' => "\\28",
            ')' => "\\29",
            '\\' => "\\5c",
            '\0' => "\\00",
            _ => c.ToString(),
        }));
}
