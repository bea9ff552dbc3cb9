using System.Text;
using System.Text.Json.Nodes;

namespace Appliance.Access.Tests.DirectoryLogins;

/// <summary>
/// The directory the LDAP tests log in against: ou=people with five users, ou=groups with groupOfNames admins,
/// operators, viewers (mapped to roles) and staff (not mapped). alice is in admins and viewers (highest wins),
/// otto in operators and viewers, vera in viewers, nina only in staff, and zed in no group at all.
/// </summary>
public static class TestTree
{
    public const string Suffix = "dc=example,dc=org";
    public const string People = "ou=people," + Suffix;
    public const string Groups = "ou=groups," + Suffix;

    public static readonly IReadOnlyDictionary<string, string> Passwords = new Dictionary<string, string>
    {
        ["alice"] = "alice-Directory-pass-1",
        ["otto"] = "otto-Directory-pass-2",
        ["vera"] = "vera-Directory-pass-3",
        ["nina"] = "nina-Directory-pass-4",
        ["zed"] = "zed-Directory-pass-5",
    };

    private static readonly (string Group, string[] Members)[] Memberships =
    [
        ("admins", ["alice"]),
        ("operators", ["otto"]),
        ("viewers", ["alice", "otto", "vera"]),
        ("staff", ["nina", "alice"]),
    ];

    public static string Dn(string user) => $"uid={user},{People}";

    public static string GroupDn(string group) => $"cn={group},{Groups}";

    public static string Ldif()
    {
        var ldif = new StringBuilder();
        void Entry(string dn, params string[] lines)
        {
            ldif.AppendLine($"dn: {dn}");
            foreach (var line in lines) ldif.AppendLine(line);
            ldif.AppendLine();
        }

        Entry(Suffix, "objectClass: dcObject", "objectClass: organization", "o: Example", "dc: example");
        Entry(People, "objectClass: organizationalUnit", "ou: people");
        Entry(Groups, "objectClass: organizationalUnit", "ou: groups");
        foreach (var (user, password) in Passwords)
            Entry(Dn(user), "objectClass: inetOrgPerson", $"uid: {user}", $"cn: {user}", $"sn: {user}", $"userPassword: {password}");
        foreach (var (group, members) in Memberships)
            Entry(GroupDn(group), ["objectClass: groupOfNames", $"cn: {group}", .. members.Select(m => $"member: {Dn(m)}")]);
        return ldif.ToString();
    }

    /// <summary>The host's <c>auth.ldap</c> section for this tree at <paramref name="url"/>, trusting <paramref name="caFile"/>.</summary>
    public static JsonObject AuthSection(string url, string? caFile) => new()
    {
        ["ldap"] = new JsonObject
        {
            ["url"] = url,
            ["userDnTemplate"] = "uid={0}," + People,
            ["groupBase"] = Groups,
            ["groupRoles"] = new JsonObject
            {
                [GroupDn("admins")] = "admin",
                [GroupDn("operators")] = "operator",
                [GroupDn("viewers")] = "viewer",
            },
            ["trustedCaFile"] = caFile,
            ["timeoutSeconds"] = 5,
        },
    };
}
