namespace Appliance.Core.Network

/// An HTTP/1.1 proxy (CONNECT) the host uses for outbound HTTPS and MQTT.
type ProxySettings =
    { Host: string
      Port: int
      /// Zone the proxy sits in (usually "site").
      Zone: string }

/// What the host itself needs from the network; the values come from the appliance configuration.
/// Footprint.hostEntries turns it into the host's footprint (owner "appliance.host").
type HostNetworkSettings =
    { HttpsPort: int
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
      Proxy: ProxySettings option }

    /// Production defaults: portal 443/80 from the site LAN, public NTP pool, cloud MQTT over TLS on 8883.
    static member Defaults =
        { HttpsPort = 443
          HttpPort = Some 80
          ManagementZone = ZoneNames.Site
          UplinkZone = ZoneNames.Uplink
          NtpServers = [ "pool.ntp.org" ]
          UpdateFqdns = [ "updates.appliance.example" ]
          CloudMqttFqdn = Some "mqtt.appliance.example"
          CloudMqttPort = 8883
          Proxy = None }
