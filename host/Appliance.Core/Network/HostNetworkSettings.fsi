namespace Appliance.Core.Network

/// A directory server (LDAP / Active Directory) the host asks at login: StartTLS on 389 or LDAPS on 636.
/// Declared before ProxySettings, which has the same field names, so an unannotated { Host; Port; Zone } stays a proxy.
type DirectoryPeer =
    {

        /// Host name or IP address literal, as in auth.ldap.url.
        Host: string
        Port: int

        /// Zone the directory sits in (the host's configuration defaults it to "site").
        Zone: string
    }

/// An HTTP/1.1 proxy (CONNECT) the host uses for outbound HTTPS and MQTT.
type ProxySettings =
    {
        Host: string
        Port: int

        /// Zone the proxy sits in (usually "site").
        Zone: string
    }

/// What the host itself needs from the network; the values come from the appliance configuration.
/// Footprint.hostEntries turns it into the host's footprint (owner "appliance.host").
type HostNetworkSettings =
    {
        HttpsPort: int

        /// None when the HTTP-to-HTTPS redirect is switched off.
        HttpPort: int option

        /// Zone the portal is reachable from.
        ManagementZone: string

        /// Zone of the internet-facing link (NTP, updates, cloud).
        UplinkZone: string
        NtpServers: string list
        UpdateFqdns: string list
        CloudMqttFqdn: string option
        CloudMqttPort: int

        /// The cloud link's brokers (appliance.cloud.brokers: host, port), tried in turn; when any is set they
        /// replace CloudMqttFqdn:CloudMqttPort in the footprint, as they do for the link.
        CloudBrokers: (string * int) list
        Proxy: ProxySettings option

        /// None unless directory logins are configured (auth.ldap.url).
        Directory: DirectoryPeer option

        /// The STUN server (host, port) the network doctor asks for the public address and NAT type
        /// (network.doctor.stunServer); None when not configured.
        Stun: (string * int) option

        /// The zones the maintenance SSH server (22/tcp) is reachable from; empty while systemServices.ssh is off.
        SshZones: string list
    }

    /// Production defaults: portal 443/80 from the site LAN, public NTP pool, cloud MQTT over TLS on 8883.
    static member Defaults: HostNetworkSettings
