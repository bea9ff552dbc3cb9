/// SocketAuditor on the real /proc of this test process (and a child process), and on a hostile fake /proc.
module Appliance.Firewall.Tests.Edge.SocketAuditorTests

open System
open System.IO
open System.Net
open System.Net.Sockets
open Xunit
open Appliance.Core.Manifest
open Appliance.Firewall
open Appliance.Firewall.Tests.Policies
open Appliance.Firewall.Tests.Edge.Netns

let private portOf (endpoint: EndPoint | null) =
    match endpoint with
    | :? IPEndPoint as e -> e.Port
    | _ -> failwith "not bound"

let private reported (report: SocketAuditReport) transport port =
    report.Undeclared
    |> Seq.tryFind (fun u -> u.Transport = transport && u.Port = port)

[<Fact>]
let ``an undeclared listener of our own process is reported, a declared one is not`` () =
    use declared = new TcpListener(IPAddress.Loopback, 0)
    use undeclared = new TcpListener(IPAddress.Any, 0)
    use undeclaredUdp = new UdpClient(AddressFamily.InterNetworkV6)
    declared.Start()
    undeclared.Start()
    undeclaredUdp.Client.Bind(IPEndPoint(IPAddress.IPv6Any, 0))
    let port (l: TcpListener) = portOf l.LocalEndpoint
    let udpPort = portOf undeclaredUdp.Client.LocalEndPoint

    let footprint =
        [
            inbound "appliance.test" Tcp (Port(port declared)) "local" "declared test listener"
        ]

    let report = SocketAuditor().Audit(Environment.ProcessId, footprint)
    Assert.Equal(None, reported report "tcp" (port declared))
    let tcp = (reported report "tcp" (port undeclared)).Value
    Assert.Equal(Some Environment.ProcessId, Option.ofNullable tcp.Pid)
    Assert.False tcp.LoopbackOnly
    Assert.Equal(IPAddress.Any, tcp.Address)

    Assert.Equal(
        $"tcp {port undeclared} on 0.0.0.0 (pid {Environment.ProcessId} {tcp.Process}) is not declared by any footprint",
        string tcp
    )

    let udp = (reported report "udp" udpPort).Value
    Assert.Equal(IPAddress.IPv6Any, udp.Address)
    // declaring it makes it disappear
    let declaredUdp =
        footprint
        @ [ inbound "appliance.test" Udp (Port udpPort) "site" "now declared" ]

    Assert.Equal(None, reported (SocketAuditor().Audit(Environment.ProcessId, declaredUdp)) "udp" udpPort)

[<Fact>]
let ``a child process that opens an undeclared port is caught with its pid`` () =
    use child = startListener None [ "tcp:0@127.0.0.1"; "udp:0@127.0.0.1" ]

    let ports =
        child.Ready.Split(' ') |> Array.skip 1 |> Array.map (fun s -> s.Split(':'))

    let tcpPort = ports |> Array.find (fun p -> p.[0] = "tcp") |> (fun p -> int p.[1])
    let udpPort = ports |> Array.find (fun p -> p.[0] = "udp") |> (fun p -> int p.[1])

    let report =
        SocketAuditor().Audit(Environment.ProcessId, [ inbound "appliance.test" Udp (Port udpPort) "local" "declared" ])

    let caught = (reported report "tcp" tcpPort).Value
    Assert.Equal(Some child.Pid, Option.ofNullable caught.Pid)
    Assert.Equal("python3", caught.Process)
    Assert.True caught.LoopbackOnly
    Assert.Equal(None, reported report "udp" udpPort)
    // a process outside our tree is not ours: auditing from the child's pid does not see our own listeners
    use mine = new TcpListener(IPAddress.Loopback, 0)
    mine.Start()
    let childReport = SocketAuditor().Audit(child.Pid, [])
    Assert.Equal(None, reported childReport "tcp" (portOf mine.LocalEndpoint))
    Assert.True((reported childReport "tcp" tcpPort).IsSome)

[<Fact>]
let ``a hostile fake proc tree gives problems, not exceptions`` () =
    let root = Directory.CreateTempSubdirectory("appliance-fake-proc-").FullName

    try
        let proc pid (stat: string) =
            let dir = Directory.CreateDirectory(Path.Combine(root, string pid)).FullName
            File.WriteAllText(Path.Combine(dir, "stat"), stat)
            Directory.CreateDirectory(Path.Combine(dir, "fd")) |> ignore
            dir

        let parent = proc 100 "100 (appliance (host)) S 1 100 100 0"
        let child = proc 101 "101 (plugin) S 100 100 100 0"
        proc 102 "garbage without parens" |> ignore
        proc 103 "103 (unrelated) S 1 1 1 0" |> ignore

        File.CreateSymbolicLink(Path.Combine(parent, "fd", "3"), "socket:[555]")
        |> ignore

        File.CreateSymbolicLink(Path.Combine(parent, "fd", "4"), "pipe:[556]") |> ignore

        File.CreateSymbolicLink(Path.Combine(child, "fd", "5"), "socket:[557]")
        |> ignore

        File.CreateSymbolicLink(Path.Combine(child, "fd", "6"), "socket:[garbage]")
        |> ignore

        let net = Directory.CreateDirectory(Path.Combine(parent, "net")).FullName

        let line slot hexPort inode =
            $"   {slot}: 00000000:{hexPort} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 {inode} 1 0000000000000000 100 0 0 10 0"

        File.WriteAllText(
            Path.Combine(net, "tcp"),
            String.concat
                "\n"
                [
                    "  sl  local_address rem_address   st"
                    line 0 "1F90" 555
                    line 1 "0016" 557
                    line 2 "0017" 999
                    "\u0000\u0001 truncated 0100007F:"
                    ""
                ]
        )

        File.WriteAllBytes(Path.Combine(net, "udp"), [| 0xFFuy; 0xFEuy; 0x00uy; 0x0Auy |])
        // tcp6 and udp6 missing, as on a kernel without IPv6
        let report =
            SocketAuditor(root).Audit(100, [ inbound "appliance.host" Tcp (Port 8080) "site" "declared" ])

        let undeclared =
            report.Undeclared
            |> Seq.map (fun u -> u.Port, u.Pid, string u.Process)
            |> List.ofSeq

        Assert.Equal<(int * Nullable<int> * string) list>([ 22, Nullable 101, "plugin" ], undeclared)
        Assert.Equal(2, report.Problems.Count)
        Assert.Contains("/100/net/tcp line 5: has ", report.Problems.[0])
        Assert.Contains("/100/net/udp line 1: has ", report.Problems.[1])
        // a root pid that does not exist audits nothing and does not throw
        let missing = SocketAuditor(root).Audit(4242, [])
        Assert.Empty missing.Undeclared
    finally
        Directory.Delete(root, true)
