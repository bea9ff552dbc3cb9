using System.DirectoryServices.Protocols;
using System.Net;

namespace Appliance.Host.Auth;

/// <summary>
/// StartTLS on a fresh <see cref="LdapConnection"/> on Linux. System.DirectoryServices.Protocols gives the libldap
/// handle its URI only in its private Connect step, which runs on the first Bind; StartTransportLayerSecurity
/// before that goes to libldap's default host and fails with "The LDAP server is unavailable" (dotnet/runtime
/// issues 56619 and 96988). A Negotiate bind with explicit credentials runs that Connect step and then refuses
/// itself locally ("not supported" on Linux, no P/Invoke, nothing sent; the socket is opened by StartTLS), after
/// which StartTLS reaches the directory. The tests hold this to slapd's log: the first operation on the
/// connection is StartTLS, and no bind is ever seen without it.
/// </summary>
public static class LdapStartTls
{
    /// <summary>Upgrades the connection to TLS; throws (<see cref="DirectoryException"/>) when that fails, so the caller never binds in clear.</summary>
    public static void Start(LdapConnection connection)
    {
        var authType = connection.AuthType;
        connection.AuthType = AuthType.Negotiate;
        try
        {
            connection.Bind(new NetworkCredential("starttls-pending", ""));
        }
        catch (LdapException)
        {
            // Expected: the Negotiate bind is refused before anything is sent; the connection now has its URI.
        }
        catch (DirectoryOperationException)
        {
        }
        finally
        {
            connection.AuthType = authType;
        }
        connection.SessionOptions.StartTransportLayerSecurity(null);
    }
}
