namespace Appliance.Host.Auth;

/// <summary>
/// The three roles, each including the ones below it: <c>viewer</c> (live view only), <c>operator</c>
/// (cameras, events, live view), <c>admin</c> (everything: plugins, network, users).
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    /// <summary>0 viewer, 1 operator, 2 admin; -1 for anything else (no access).</summary>
    public static int Rank(string? role) => role switch
    {
        Viewer => 0,
        Operator => 1,
        Admin => 2,
        _ => -1,
    };

    public static bool IsValid(string? role) => Rank(role) >= 0;

    /// <summary>Whether <paramref name="role"/> includes <paramref name="required"/>.</summary>
    public static bool Allows(string? role, string required) => Rank(role) >= Rank(required) && Rank(required) >= 0;
}
