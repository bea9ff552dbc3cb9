/// Pure parsers for the kernel's socket tables (/proc/net/tcp, tcp6, udp, udp6), /proc/<pid>/stat and fd links,
/// and the audit that compares the sockets our process tree listens on with the declared footprint.
/// Hostile input (truncated lines, garbage) is collected as problems, never thrown.
module Appliance.Core.Network.SocketTable

open System
open System.Globalization
open System.Net
open Appliance.Core.Manifest
open Appliance.Core.Network.Zones

/// Which /proc/net file a text came from.
type ProcNetFile =
    | Tcp4
    | Tcp6
    | Udp4
    | Udp6

    member this.FileName =
        match this with
        | Tcp4 -> "tcp"
        | Tcp6 -> "tcp6"
        | Udp4 -> "udp"
        | Udp6 -> "udp6"

    member this.Transport =
        match this with
        | Tcp4
        | Tcp6 -> Tcp
        | Udp4
        | Udp6 -> Udp

/// One socket line of a /proc/net table.
type ProcSocket =
    {
        Transport: Transport
        Family: IpFamily
        LocalAddress: IPAddress
        LocalPort: int
        RemoteAddress: IPAddress
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
        Transport: Transport
        LocalAddress: IPAddress
        LocalPort: int
        Inode: int64
        /// Bound to 127.0.0.0/8 or ::1 only: not reachable from the network, still undeclared.
        LoopbackOnly: bool
    }

[<Literal>]
let TcpListen = 0x0A

[<Literal>]
let UdpUnconnected = 0x07

/// Longer lines are not socket lines (a real line is ~150-180 characters).
let maxLineLength = 512

/// At most this many problems are listed; the rest are counted.
let maxProblems = 50

let private hex (s: string) =
    match UInt32.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) with
    | true, v -> Some v
    | _ -> None

/// The kernel prints each 32-bit word of the address in host byte order ("%08X" of the raw word).
let private decodeAddress (family: IpFamily) (text: string) =
    let words = if family = V4 then 1 else 4

    if text.Length <> words * 8 || not (text |> Seq.forall Char.IsAsciiHexDigit) then
        None
    else
        let bytes =
            [|
                for w in 0 .. words - 1 do
                    let v = (hex (text.Substring(w * 8, 8))).Value
                    yield! BitConverter.GetBytes v
            |]

        Some(IPAddress bytes)

let private decodeEndpoint family (text: string) =
    match text.Split ':' with
    | [| address; port |] when port.Length = 4 ->
        match decodeAddress family address, hex port with
        | Some a, Some p -> Some(a, int p)
        | _ -> None
    | _ -> None

let private parseLine (file: ProcNetFile) (line: string) : Result<ProcSocket, string> =
    let family = if file = Tcp4 || file = Udp4 then V4 else V6
    let fields = line.Split([| ' '; '\t' |], StringSplitOptions.RemoveEmptyEntries)

    if fields.Length < 10 then
        Error $"has {fields.Length} fields, a socket line has at least 10 (truncated?)"
    elif not (fields.[0].EndsWith ':') then
        Error $"does not start with a slot number (\"{fields.[0]}\")"
    else
        match decodeEndpoint family fields.[1], decodeEndpoint family fields.[2], hex fields.[3] with
        | None, _, _ -> Error $"local address {quote fields.[1]} is not a {file.FileName} address"
        | _, None, _ -> Error $"remote address {quote fields.[2]} is not a {file.FileName} address"
        | _, _, None -> Error $"state {quote fields.[3]} is not hexadecimal"
        | Some(local, localPort), Some(remote, remotePort), Some state ->
            match Int64.TryParse fields.[7], Int64.TryParse fields.[9] with
            | (true, uid), (true, inode) when uid >= 0L && inode >= 0L ->
                Ok
                    {
                        Transport = file.Transport
                        Family = family
                        LocalAddress = local
                        LocalPort = localPort
                        RemoteAddress = remote
                        RemotePort = remotePort
                        State = int state
                        Uid = uid
                        Inode = inode
                    }
            | _ -> Error $"uid {quote fields.[7]} or inode {quote fields.[9]} is not a number"

/// Parses one /proc/net table. The header line and blank lines are skipped; bad lines become problems.
let parse (file: ProcNetFile) (text: string) : ProcNetTable =
    let lines = text.Split '\n'
    let sockets = ResizeArray<ProcSocket>()
    let problems = ResizeArray<ParseProblem>()
    let mutable dropped = 0

    let problem n message =
        if problems.Count < maxProblems then
            problems.Add
                {
                    File = file.FileName
                    Line = n
                    Message = message
                }
        else
            dropped <- dropped + 1

    lines
    |> Array.iteri (fun i raw ->
        let line = raw.TrimEnd '\r'
        let n = i + 1
        let trimmed = line.Trim()

        if trimmed.Length = 0 || trimmed.StartsWith "sl " then
            ()
        elif line.Length > maxLineLength then
            problem n $"is {line.Length} characters long, more than {maxLineLength}"
        else
            match parseLine file trimmed with
            | Ok s -> sockets.Add s
            | Error m -> problem n m)

    if dropped > 0 then
        problems.Add
            {
                File = file.FileName
                Line = 0
                Message = $"{dropped} more bad lines not listed"
            }

    {
        Sockets = List.ofSeq sockets
        Problems = List.ofSeq problems
    }

/// TCP in LISTEN, or UDP bound and unconnected (it receives from any peer).
let isListening (s: ProcSocket) =
    match s.Transport with
    | Tcp -> s.State = TcpListen
    | Udp -> s.State = UdpUnconnected && s.RemotePort = 0

/// "socket:[12345]" (the target of /proc/<pid>/fd/<n>) -> 12345.
let tryInodeOfFdLink (target: string) =
    if not (target.StartsWith "socket:[") || not (target.EndsWith "]") then
        None
    else
        match
            Int64.TryParse(target.Substring(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture)
        with
        | true, v -> Some v
        | _ -> None

/// /proc/<pid>/stat -> (pid, command, parent pid). The command may hold spaces and parentheses.
let tryParseStat (text: string) =
    let openParen = text.IndexOf '('
    let closeParen = text.LastIndexOf ')'

    if openParen < 1 || closeParen < openParen then
        None
    else
        let rest =
            text.Substring(closeParen + 1).Split(' ', StringSplitOptions.RemoveEmptyEntries)

        match Int32.TryParse(text.Substring(0, openParen).Trim()), rest with
        | (true, pid), r when r.Length >= 2 ->
            match Int32.TryParse r.[1] with
            | true, ppid -> Some(pid, text.Substring(openParen + 1, closeParen - openParen - 1), ppid)
            | _ -> None
        | _ -> None

/// The root and every process below it, from (pid, parent pid) pairs.
let descendants (root: int) (parents: (int * int) list) : Set<int> =
    let children = parents |> List.groupBy snd |> Map.ofList

    let rec walk (seen: Set<int>) pending =
        match pending with
        | [] -> seen
        | p :: rest when seen.Contains p -> walk seen rest
        | p :: rest ->
            let kids = Map.tryFind p children |> Option.defaultValue [] |> List.map fst
            walk (seen.Add p) (kids @ rest)

    walk Set.empty [ root ]

/// The (transport, port) pairs the footprint allows a socket to listen on: every inbound entry, any zone.
let declaredListeners (entries: ResolvedEntry list) =
    entries
    |> List.filter (fun r -> r.Entry.Direction = Inbound)
    |> List.map (fun r -> r.Entry.Transport, r.Entry.Port)
    |> List.distinct

let private covers (port: int) =
    function
    | Port p -> p = port
    | PortRange(a, b) -> a <= port && port <= b

/// Listening sockets whose (transport, port) no declaration covers, ordered by transport, port, inode.
let audit (declared: (Transport * PortSpec) list) (sockets: ProcSocket list) : UndeclaredSocket list =
    sockets
    |> List.filter isListening
    |> List.filter (fun s -> not (declared |> List.exists (fun (t, p) -> t = s.Transport && covers s.LocalPort p)))
    |> List.map (fun s ->
        {
            Transport = s.Transport
            LocalAddress = s.LocalAddress
            LocalPort = s.LocalPort
            Inode = s.Inode
            LoopbackOnly = IPAddress.IsLoopback s.LocalAddress
        })
    |> List.distinctBy (fun u -> u.Transport, u.LocalPort, u.Inode)
    |> List.sortBy (fun u -> u.Transport, u.LocalPort, u.Inode)

/// Keeps the sockets whose inode belongs to one of our processes.
let ownedBy (inodes: Set<int64>) (sockets: ProcSocket list) =
    sockets |> List.filter (fun s -> inodes.Contains s.Inode)
