namespace Appliance.Host.Configuration;

/// <summary>Section <c>appliance.auth</c>: who may set the appliance up, where management comes from, directory logins.</summary>
public sealed class AuthOptions
{
    /// <summary>First start: a request from the box itself (127.0.0.1 or ::1) may create the administrator without the setup code.</summary>
    public bool LoopbackSetup { get; set; } = true;

    /// <summary>
    /// Management sources (CIDR) besides loopback, for login throttling and <c>/metrics</c>. Empty: the firewall zones'
    /// <c>managementSources</c>. A user locked out from elsewhere can still log in from these.
    /// </summary>
    public List<string> ManagementSources { get; set; } = [];

    /// <summary>Realms for which a Digest HA1 is computed when a password is set (protocol plugins verify Digest with it).</summary>
    public List<string> DigestRealms { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultDigestRealms = ["appliance"];

    public IReadOnlyList<string> EffectiveDigestRealms => DigestRealms.Count > 0 ? DigestRealms : DefaultDigestRealms;

    /// <summary>Lifetime of an API token when the creator names none; the most anyone may ask for is <see cref="MaxTokenDays"/>.</summary>
    public double DefaultTokenDays { get; set; } = 90;

    public double MaxTokenDays { get; set; } = 366;

    /// <summary>A portal session ends after this much idle time, and at the latest after <see cref="SessionMaxHours"/>.</summary>
    public double SessionIdleMinutes { get; set; } = 60;

    public double SessionMaxHours { get; set; } = 12;

    /// <summary>Installing a plugin or changing users needs a login (or token) this recent, or the password again.</summary>
    public double ReauthMinutes { get; set; } = 10;

    /// <summary>Directory logins (LDAP / Active Directory); off when <see cref="LdapOptions.Url"/> is empty.</summary>
    public LdapOptions Ldap { get; set; } = new();
}

/// <summary>LDAP: <c>ldaps://dc.example:636</c>, or <c>ldap://dc.example:389</c> with StartTLS (plain LDAP is refused).</summary>
public sealed class LdapOptions
{
    public string? Url { get; set; }

    /// <summary>Bind DN template; <c>{0}</c> is the escaped user name (e.g. <c>uid={0},ou=people,dc=example,dc=org</c> or <c>{0}@example.org</c> for AD).</summary>
    public string? UserDnTemplate { get; set; }

    /// <summary>Base under which groups are searched (<c>member</c> or <c>uniqueMember</c> equal to the user's DN).</summary>
    public string? GroupBase { get; set; }

    /// <summary>Group DN (case-insensitive) to role; the highest role of the user's groups wins; no matching group: no login.</summary>
    public Dictionary<string, string> GroupRoles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A CA bundle (PEM) that signs the directory's certificate; empty: the system's trust store.</summary>
    public string? TrustedCaFile { get; set; }

    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Firewall zone the directory sits in (its host and port from <see cref="Url"/> join the host's footprint); empty: <c>site</c>, the LAN.</summary>
    public string? Zone { get; set; }
}
