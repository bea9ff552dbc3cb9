module Appliance.Firewall.Tests.Core.SocketTableTests

open System
open System.Net
open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Network.SocketTable
open Appliance.Firewall.Tests.Policies

// Lines captured from /proc/net on the Debian 12 (x86-64) build machine; UDP lines follow the kernel's udp4/udp6 format.
let tcp4Sample =
    """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9091 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 103446 1 00000000b81d60d8 100 0 0 10 0
   1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 177 1 0000000008ca6d81 100 0 0 10 0
   2: 0100007F:EA58 0100007F:9091 01 00000000:00000000 00:00000000 00000000     0        0 103507 2 00000000d3b36bb5 20 5 28 16 -1
"""

let tcp6Sample =
    """  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000100007F:EA58 0000000000000000FFFF00000100007F:9091 01 00000000:00000000 00:00000000 00000000     0        0 103507 2 00000000d3b36bb5 20 5 28 16 -1
   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21500 1 0000000000000000 100 0 0 10 0
   2: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 21501 1 0000000000000000 100 0 0 10 0
"""

let udp4Sample =
    """   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  220: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 18026 2 0000000000000000 0
  301: 00000000:0E76 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 18100 2 0000000000000000 0
  302: 0F02000A:C350 0202000A:0035 01 00000000:00000000 00:00000000 00000000     0        0 18101 2 0000000000000000 0
"""

[<Fact>]
let ``real tcp lines parse into sockets`` () =
    let table = parse Tcp4 tcp4Sample
    Assert.Empty table.Problems
    let s = table.Sockets
    Assert.Equal(3, s.Length)
    Assert.Equal(IPAddress.Parse "127.0.0.1", s.[0].LocalAddress)
    Assert.Equal(0x9091, s.[0].LocalPort)
    Assert.Equal(TcpListen, s.[0].State)
    Assert.Equal(103446L, s.[0].Inode)
    Assert.Equal(IPAddress.Any, s.[1].LocalAddress)
    Assert.Equal(2024, s.[1].LocalPort)
    Assert.Equal<bool list>([ true; true; false ], s |> List.map isListening)

[<Fact>]
let ``real tcp6 lines parse, including mapped and loopback addresses`` () =
    let table = parse Tcp6 tcp6Sample
    Assert.Empty table.Problems
    let s = table.Sockets
    Assert.Equal(IPAddress.Parse "::ffff:127.0.0.1", s.[0].LocalAddress)
    Assert.Equal(IPAddress.IPv6Any, s.[1].LocalAddress)
    Assert.Equal(22, s.[1].LocalPort)
    Assert.Equal(IPAddress.IPv6Loopback, s.[2].LocalAddress)
    Assert.Equal(8080, s.[2].LocalPort)
    Assert.Equal(1000L, s.[2].Uid)

[<Fact>]
let ``udp sockets listen when unconnected`` () =
    let table = parse Udp4 udp4Sample
    Assert.Empty table.Problems
    Assert.Equal<int list>([ 53; 3702; 50000 ], table.Sockets |> List.map (fun s -> s.LocalPort))
    Assert.Equal<bool list>([ true; true; false ], table.Sockets |> List.map isListening)
    Assert.Equal(IPAddress.Parse "10.0.2.15", table.Sockets.[2].LocalAddress)

[<Fact>]
let ``hostile lines become problems with line numbers, good lines survive`` () =
    let text =
        String.concat
            "\n"
            [
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
                "   0: 0100007F:9091 00000000:0000 0A 0000"
                "\u0000\u00ff\u0007 binary garbage \u001b[31m"
                "   1: ZZZZZZZZ:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0"
                "   2: 0100007F:10016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0"
                "   3: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 -5 1 0 100 0 0 10 0"
                "   4: 0100007F:0016 00000000:0000 XY 00000000:00000000 00:00000000 00000000     0        0 9 1 0 100 0 0 10 0"
                "   5: 00000000000000000000000000000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9 1"
                "nonsense without slot a b c d e f g h i j"
                "   6: " + String('A', 600)
                "   7: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0"
            ]

    let table = parse Tcp4 text
    Assert.Equal<int list>([ 80 ], table.Sockets |> List.map (fun s -> s.LocalPort))
    Assert.Equal<int list>([ 2; 3; 4; 5; 6; 7; 8; 9; 10 ], table.Problems |> List.map (fun p -> p.Line))
    Assert.Equal("has 5 fields, a socket line has at least 10 (truncated?)", table.Problems.[0].Message)
    Assert.Equal("local address \"ZZZZZZZZ:0016\" is not a tcp address", table.Problems.[2].Message)
    Assert.Equal("is 606 characters long, more than 512", table.Problems.[8].Message)

[<Fact>]
let ``a flood of bad lines is capped and counted`` () =
    let text = String.replicate 1000 "garbage line\n"
    let table = parse Udp6 text
    Assert.Empty table.Sockets
    Assert.Equal(maxProblems + 1, table.Problems.Length)
    Assert.Equal("950 more bad lines not listed", (List.last table.Problems).Message)

[<Theory>]
[<InlineData("")>]
[<InlineData("\n\n\r\n")>]
[<InlineData("  sl  local_address rem_address")>]
let ``empty tables have no sockets and no problems`` (text: string) =
    let table = parse Tcp4 text
    Assert.Empty table.Sockets
    Assert.Empty table.Problems

[<Fact>]
let ``audit reports exactly the undeclared listeners`` () =
    let sockets =
        (parse Tcp4 tcp4Sample).Sockets
        @ (parse Tcp6 tcp6Sample).Sockets
        @ (parse Udp4 udp4Sample).Sockets

    let footprint =
        [
            inbound "appliance.host" Tcp (Port 2024) "management" "portal"
            inbound "appliance.onvif" Udp (PortRange(3700, 3710)) "cameras" "discovery"
            outbound "appliance.dns" Udp (Port 53) "any" "an outbound entry does not allow listening"
            inbound "appliance.media" Tcp (Port 8080) "local" "loopback entries count as declared"
        ]

    let undeclared = audit (declaredListeners footprint) sockets

    Assert.Equal<(Transport * int * bool) list>(
        [ Tcp, 22, false; Tcp, 0x9091, true; Udp, 53, true ],
        undeclared |> List.map (fun u -> u.Transport, u.LocalPort, u.LoopbackOnly)
    )

[<Fact>]
let ``ownedBy keeps only our inodes`` () =
    let sockets = (parse Tcp4 tcp4Sample).Sockets
    Assert.Equal<int64 list>([ 177L ], ownedBy (set [ 177L; 999L ]) sockets |> List.map (fun s -> s.Inode))

[<Theory>]
[<InlineData("socket:[12345]", 12345L)>]
[<InlineData("socket:[0]", 0L)>]
let ``socket fd links give their inode`` (link: string, inode: int64) =
    Assert.Equal(Some inode, tryInodeOfFdLink link)

[<Theory>]
[<InlineData("pipe:[12345]")>]
[<InlineData("/dev/null")>]
[<InlineData("socket:[-1]")>]
[<InlineData("socket:[12a]")>]
[<InlineData("socket:[99999999999999999999999]")>]
[<InlineData("socket:[")>]
let ``other fd links are not sockets`` (link: string) =
    Assert.Equal(None, tryInodeOfFdLink link)

[<Fact>]
let ``stat lines with odd command names parse`` () =
    Assert.Equal(Some(42, "my (weird) cmd", 7), tryParseStat "42 (my (weird) cmd) S 7 42 42 0 -1 4194560 0")
    Assert.Equal(None, tryParseStat "")
    Assert.Equal(None, tryParseStat "garbage")
    Assert.Equal(None, tryParseStat "42 (cut")
    Assert.Equal(None, tryParseStat "x (cmd) S 7")
    Assert.Equal(None, tryParseStat "42 (cmd) S")

[<Fact>]
let ``descendants walks the tree and survives cycles`` () =
    let parents = [ 10, 1; 11, 10; 12, 11; 13, 10; 20, 1; 30, 30; 31, 32; 32, 31 ]
    Assert.Equal<Set<int>>(set [ 10; 11; 12; 13 ], descendants 10 parents)
    Assert.Equal<Set<int>>(set [ 31; 32 ], descendants 31 parents)
