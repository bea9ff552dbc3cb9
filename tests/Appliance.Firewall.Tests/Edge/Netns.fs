/// Throwaway network namespaces (appl-test-fw-<pid>-<rand>-<role>) and processes for the edge tests.
/// Names carry the creating pid, so the stale cleanup removes only namespaces whose test run is gone.
module Appliance.Firewall.Tests.Edge.Netns

open System
open System.Diagnostics
open System.IO
open System.Threading.Tasks
open Xunit

let prefix = "appl-test-fw-"
let ipPath = "/usr/sbin/ip"
let nftPath = "/usr/sbin/nft"

/// Starts a process (never null: a failed start throws).
let start (psi: ProcessStartInfo) : Process =
    match Process.Start psi with
    | null -> failwithf "%s did not start" psi.FileName
    | p -> p

/// Runs a program to completion; returns (exit code, stdout, stderr). Kills it after the timeout.
let run (file: string) (args: string list) (timeout: TimeSpan) =
    let psi =
        ProcessStartInfo(file, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)

    for a in args do
        psi.ArgumentList.Add a

    use p = start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit timeout) then
        p.Kill true
        p.WaitForExit()
        failwithf "%s %s did not finish within %O" file (String.Join(" ", args)) timeout

    p.WaitForExit()
    p.ExitCode, out.Result, err.Result

let private ipTimeout = TimeSpan.FromSeconds 30.

/// Runs ip and fails the test with its stderr when it fails.
let ip (args: string list) =
    let code, out, err = run ipPath args ipTimeout

    if code <> 0 then
        failwithf "ip %s failed (%d): %s" (String.Join(" ", args)) code err

    out

/// Runs a program inside a namespace; returns (exit code, stdout, stderr).
let exec (ns: string) (file: string) (args: string list) (timeout: TimeSpan) =
    run ipPath ([ "netns"; "exec"; ns; file ] @ args) timeout

/// Deletes appl-test-fw-<pid>-* namespaces whose pid no longer runs (left by a crashed run).
let cleanupStale () =
    let _, out, _ = run ipPath [ "netns"; "list" ] ipTimeout

    for line in out.Split('\n', StringSplitOptions.RemoveEmptyEntries) do
        let name = line.Split(' ').[0]

        if name.StartsWith prefix then
            match Int32.TryParse(name.Substring(prefix.Length).Split('-').[0]) with
            | true, pid when not (Directory.Exists $"/proc/{pid}") ->
                run ipPath [ "netns"; "del"; name ] ipTimeout |> ignore
            | _ -> ()

/// A unique base name for this test: appl-test-fw-<our pid>-<random>.
let uniqueBase () =
    $"{prefix}{Environment.ProcessId}-{Random.Shared.Next(0x100000):x5}"

/// A namespace that exists until disposed; loopback is up.
type Namespace(name: string) =
    do
        ip [ "netns"; "add"; name ] |> ignore
        ip [ "-n"; name; "link"; "set"; "lo"; "up" ] |> ignore

    member _.Name = name

    interface IDisposable with
        member _.Dispose() =
            run ipPath [ "netns"; "del"; name ] ipTimeout |> ignore

/// Joins two namespaces with a veth pair and gives each end an address (CIDR notation).
let link (a: Namespace) (aInterface: string) (aAddress: string) (b: Namespace) (bInterface: string) (bAddress: string) =
    ip
        [
            "-n"
            a.Name
            "link"
            "add"
            aInterface
            "type"
            "veth"
            "peer"
            "name"
            bInterface
            "netns"
            b.Name
        ]
    |> ignore

    ip [ "-n"; a.Name; "addr"; "add"; aAddress; "dev"; aInterface ] |> ignore
    ip [ "-n"; b.Name; "addr"; "add"; bAddress; "dev"; bInterface ] |> ignore
    ip [ "-n"; a.Name; "link"; "set"; aInterface; "up" ] |> ignore
    ip [ "-n"; b.Name; "link"; "set"; bInterface; "up" ] |> ignore

/// A long-running process that printed a "ready ..." line; killed by its pid when disposed.
type Background(file: string, args: string list, readyTimeout: TimeSpan) =
    let psi =
        ProcessStartInfo(file, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)

    do
        for a in args do
            psi.ArgumentList.Add a

    let proc = start psi
    let stderr = proc.StandardError.ReadToEndAsync()

    let ready =
        let line = proc.StandardOutput.ReadLineAsync()

        match (if line.Wait readyTimeout then line.Result else null) with
        | NonNull l when l.StartsWith "ready" -> l
        | _ ->
            (try
                proc.Kill true
             with :? InvalidOperationException ->
                 ())

            proc.WaitForExit()
            failwithf "%s did not become ready: %s" file (if stderr.Wait 2000 then stderr.Result else "")

    /// The "ready ..." line.
    member _.Ready = ready
    member _.Pid = proc.Id

    interface IDisposable with
        member _.Dispose() =
            (try
                proc.Kill true
             with :? InvalidOperationException ->
                 ())

            proc.WaitForExit()
            proc.Dispose()

/// The test listener (assets/listen.py) with the given specs ("tcp:443", "udp:0", "tcp:0@127.0.0.1").
let listenerScript = Path.Combine(AppContext.BaseDirectory, "assets", "listen.py")

let startListener (ns: string option) (specs: string list) =
    match ns with
    | Some n ->
        new Background(
            ipPath,
            [ "netns"; "exec"; n; "/usr/bin/python3"; listenerScript ] @ specs,
            TimeSpan.FromSeconds 30.
        )
    | None -> new Background("/usr/bin/python3", listenerScript :: specs, TimeSpan.FromSeconds 30.)

/// Runs once before every namespace test class: removes namespaces left by dead runs.
type StaleNamespaces() =
    do cleanupStale ()

[<CollectionDefinition("netns")>]
type NetnsCollection() =
    interface ICollectionFixture<StaleNamespaces>
