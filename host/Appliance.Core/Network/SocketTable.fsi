module Appliance.Core.Network.SocketTable

/// Which /proc/net file a text came from.
type ProcNetFile =
    | Tcp4
    | Tcp6
    | Udp4
    | Udp6

    member FileName: string

    member Transport: Appliance.Core.Manifest.Transport

/// One socket line of a /proc/net table.
type ProcSocket =
    {
        Transport: Appliance.Core.Manifest.Transport
        Family: Appliance.Core.Network.Zones.IpFamily
        LocalAddress: System.Net.IPAddress
        LocalPort: int
        RemoteAddress: System.Net.IPAddress
        RemotePort: int

        /// Kernel state number: TCP 0x0A = LISTEN; UDP 0x07 = unconnected (bound, receives from anyone).
        State: int
        Uid: int64
        Inode: int64
    }

type ParseProblem =
    {
        File: string
        Line: int
        Message: string
    }

type ProcNetTable =
    {
        Sockets: ProcSocket list
        Problems: ParseProblem list
    }

/// A listening socket no footprint entry declares.
type UndeclaredSocket =
    {
        Transport: Appliance.Core.Manifest.Transport
        LocalAddress: System.Net.IPAddress
        LocalPort: int
        Inode: int64

        /// Bound to 127.0.0.0/8 or ::1 only: not reachable from the network, still undeclared.
        LoopbackOnly: bool
    }

[<Literal>]
val TcpListen: int = 10

[<Literal>]
val UdpUnconnected: int = 7

/// Longer lines are not socket lines (a real line is ~150-180 characters).
val maxLineLength: int

/// At most this many problems are listed; the rest are counted.
val maxProblems: int

/// Parses one /proc/net table. The header line and blank lines are skipped; bad lines become problems.
val parse: file: ProcNetFile -> text: string -> ProcNetTable

/// TCP in LISTEN, or UDP bound and unconnected (it receives from any peer).
val isListening: s: ProcSocket -> bool

/// "socket:[12345]" (the target of /proc/<pid>/fd/<n>) -> 12345.
val tryInodeOfFdLink: target: string -> int64 option

/// /proc/<pid>/stat -> (pid, command, parent pid). The command may hold spaces and parentheses.
val tryParseStat: text: string -> (int * string * int) option

/// The root and every process below it, from (pid, parent pid) pairs.
val descendants: root: int -> parents: (int * int) list -> Set<int>

/// The (transport, port) pairs the footprint allows a socket to listen on: every inbound entry, any zone.
val declaredListeners:
    entries: Appliance.Core.Network.ResolvedEntry list ->
        (Appliance.Core.Manifest.Transport * Appliance.Core.Manifest.PortSpec) list

/// Listening sockets whose (transport, port) no declaration covers, ordered by transport, port, inode.
val audit:
    declared: (Appliance.Core.Manifest.Transport * Appliance.Core.Manifest.PortSpec) list ->
    sockets: ProcSocket list ->
        UndeclaredSocket list

/// Keeps the sockets whose inode belongs to one of our processes.
val ownedBy: inodes: Set<int64> -> sockets: ProcSocket list -> ProcSocket list
