/// nmap from a neighbour namespace, and the reading of its XML report.
///
/// How "open" is decided: TCP (-sT) is open when the connect completes (state "open", reason "syn-ack").
/// UDP (-sU) is open only when the listener's reply came back (state "open", reason "udp-response"): our test
/// listeners answer every datagram, so an accepted port always replies. "open|filtered" (no answer: the firewall
/// dropped the probe) and "closed" (ICMP port unreachable) are NOT open.
module Appliance.Firewall.Tests.Edge.Scanner

open System
open System.IO
open System.Xml
open Appliance.Core.Manifest
open Appliance.Firewall.Tests.Edge.Netns

type PortState =
    {
        Transport: Transport
        Port: int
        State: string
        Reason: string
    }

let isOpen (p: PortState) =
    match p.Transport with
    | Tcp -> p.State = "open"
    | Udp -> p.State = "open" && p.Reason = "udp-response"

/// Reads the port states out of nmap's XML report (DTD ignored, no external entities).
let parseReport (xml: string) =
    let settings =
        XmlReaderSettings(DtdProcessing = DtdProcessing.Ignore, XmlResolver = null)

    use reader = XmlReader.Create(new StringReader(xml), settings)
    let ports = ResizeArray<PortState>()
    let mutable current: (Transport * int) option = None
    let mutable finished = false

    while reader.Read() do
        if reader.NodeType = XmlNodeType.Element then
            match reader.Name with
            | "port" ->
                let transport = if reader.GetAttribute "protocol" = "udp" then Udp else Tcp
                current <- Some(transport, int (reader.GetAttribute "portid"))
            | "state" when current.IsSome ->
                let t, p = current.Value

                ports.Add
                    {
                        Transport = t
                        Port = p
                        State = string (reader.GetAttribute "state")
                        Reason = string (reader.GetAttribute "reason")
                    }

                current <- None
            | "finished" -> finished <- reader.GetAttribute "exit" = "success"
            | _ -> ()

    if not finished then
        failwithf "nmap did not finish successfully:\n%s" xml

    List.ofSeq ports

let private portList (ports: int list) =
    String.Join(",", ports |> List.distinct |> List.sort)

/// Scans the target from inside a namespace: TCP connect and UDP, explicit port lists, host assumed up.
let scan (ns: string) (target: string) (tcp: int list) (udp: int list) =
    let family = if target.Contains ':' then [ "-6" ] else []

    let args =
        family
        @ [
            "-Pn"
            "-n"
            "-sT"
            "-sU"
            "-T4"
            "--max-retries"
            "2"
            "--host-timeout"
            "120s"
            "-p"
            $"T:{portList tcp},U:{portList udp}"
            "-oX"
            "-"
            target
        ]

    let code, out, err = exec ns "/usr/bin/nmap" args (TimeSpan.FromMinutes 3.)

    if code <> 0 then
        failwithf "nmap in %s failed (%d): %s" ns code err

    parseReport out
