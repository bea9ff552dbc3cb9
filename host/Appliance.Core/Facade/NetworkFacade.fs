namespace Appliance.Core.Network

open System
open System.Text.Json
open Appliance.Core

/// What a /proc/<pid>/stat line says about its process.
[<Sealed; AllowNullLiteral>]
type ProcStat(pid: int, command: string, parent: int) =
    member _.Pid = pid
    member _.Command = command
    member _.Parent = parent

/// The network core for C# callers (host, firewall, socket audit, portal): arrays, nullables and
/// `Appliance.Abstractions.Result<T>` (failure `invalid`, one error per line) instead of F# lists, options and
/// results. Footprints go in as any sequence.
[<AbstractClass; Sealed>]
type NetworkFacade =
    // ---- requirements (what the appliance needs from the network)

    /// The requirement table's rows for these entries (see `Requirements.build`).
    static member Requirements(entries: ResolvedEntry seq) : Requirements.RequirementRow[] =
        Requirements.build (List.ofSeq entries) |> Array.ofList

    /// The requirements in `format`: "md"/"markdown", "csv", "json" or "allowlist" (case-insensitive); null for
    /// another format.
    static member RequirementsText(entries: ResolvedEntry seq, format: string) : string | null =
        let entries = List.ofSeq entries

        match format.ToLowerInvariant() with
        | "md"
        | "markdown" -> Requirements.toMarkdown (Requirements.build entries)
        | "csv" -> Requirements.toCsv (Requirements.build entries)
        | "json" -> Requirements.toJson (Requirements.build entries)
        | "allowlist" -> Requirements.allowlistText entries
        | _ -> null

    /// Outbound entries for cameras on ports no cameras-zone entry covers (see `Requirements.cameraEntries`):
    /// (name, host, RTSP port, ONVIF port) per camera.
    static member CameraEntries
        (cameras: struct (string * string * Nullable<int> * Nullable<int>) seq, entries: ResolvedEntry seq)
        : ResolvedEntry[] =
        let peers =
            cameras
            |> Seq.map (fun struct (name, host, rtsp, onvif) ->
                ({
                    Name = name
                    Host = host
                    RtspPort = Option.ofNullable rtsp
                    OnvifPort = Option.ofNullable onvif
                }
                : Requirements.CameraPeer))
            |> List.ofSeq

        Requirements.cameraEntries peers (List.ofSeq entries) |> Array.ofList

    /// The row's "from" and "to" (see `Requirements.endpoints`): sources and appliance addresses per zone.
    static member Endpoints
        (
            sources: Collections.Generic.IReadOnlyDictionary<string, string[]>,
            appliance: Collections.Generic.IReadOnlyDictionary<string, string[]>,
            row: Requirements.RequirementRow
        ) : Requirements.Endpoints =
        let toMap (d: Collections.Generic.IReadOnlyDictionary<string, string[]>) =
            d |> Seq.map (fun kv -> kv.Key, List.ofArray kv.Value) |> Map.ofSeq

        Requirements.endpoints (toMap sources) (toMap appliance) row

    /// The notes under the requirements table, as Markdown items (see `Requirements.notes`).
    static member RequirementsNotes(rows: Requirements.RequirementRow seq) : string[] =
        Requirements.notes (List.ofSeq rows) |> Array.ofList

    /// The row's host name, null when it has none.
    static member Fqdn(row: Requirements.RequirementRow) : string | null = Option.toObj row.Fqdn

    /// The configuration key the row's port comes from, null when fixed.
    static member ConfigKey(row: Requirements.RequirementRow) : string | null = Option.toObj row.ConfigKey

    /// The row's multicast group, null when none.
    static member Multicast(row: Requirements.RequirementRow) : string | null = Option.toObj row.Multicast

    /// Entries that claim the same port (each as "path: message").
    static member Collisions(entries: ResolvedEntry seq) : string[] =
        Footprint.collisions (List.ofSeq entries) |> List.map string |> Array.ofList

    // ---- the host's own footprint

    /// The host's network settings: a null or blank cloud MQTT name is none; a null proxy or directory host is none.
    static member HostSettings
        (
            httpsPort: int,
            httpPort: Nullable<int>,
            managementZone: string,
            uplinkZone: string,
            ntpServers: string seq,
            updateFqdns: string seq,
            cloudMqttFqdn: string | null,
            cloudMqttPort: int,
            cloudBrokers: struct (string * int) seq,
            proxyHost: string | null,
            proxyPort: int,
            proxyZone: string,
            directoryHost: string | null,
            directoryPort: int,
            directoryZone: string,
            stunHost: string | null,
            stunPort: int,
            sshZones: string seq
        ) : HostNetworkSettings =
        let text (s: string | null) =
            match s with
            | null -> None
            | s when String.IsNullOrWhiteSpace s -> None
            | s -> Some s

        {
            HttpsPort = httpsPort
            HttpPort = Option.ofNullable httpPort
            ManagementZone = managementZone
            UplinkZone = uplinkZone
            NtpServers = List.ofSeq ntpServers
            UpdateFqdns = List.ofSeq updateFqdns
            CloudMqttFqdn = text cloudMqttFqdn
            CloudMqttPort = cloudMqttPort
            CloudBrokers = cloudBrokers |> Seq.map (fun struct (h, p) -> h, p) |> List.ofSeq
            Proxy =
                Option.ofObj proxyHost
                |> Option.map (fun h ->
                    {
                        ProxySettings.Host = h
                        Port = proxyPort
                        Zone = proxyZone
                    })
            Directory =
                Option.ofObj directoryHost
                |> Option.map (fun h ->
                    {
                        DirectoryPeer.Host = h
                        Port = directoryPort
                        Zone = directoryZone
                    })
            Stun = text stunHost |> Option.map (fun h -> h, stunPort)
            SshZones = List.ofSeq sshZones
        }

    /// The proxy the settings name, if any.
    static member TryGetProxy
        (settings: HostNetworkSettings, [<System.Runtime.InteropServices.Out>] proxy: byref<ProxySettings>)
        : bool =
        match settings.Proxy with
        | Some p ->
            proxy <- p
            true
        | None -> false

    static member HostEntries(settings: HostNetworkSettings) : ResolvedEntry[] =
        Footprint.hostEntries settings |> Array.ofList

    /// Problems with the host's network settings (each "path: message"), empty when fine.
    static member ValidateHostSettings(settings: HostNetworkSettings) : string[] =
        Footprint.validateHostSettings settings |> List.map string |> Array.ofList

    // ---- firewall

    static member private Policy(zones: JsonElement) =
        ZonesJson.parseElement zones |> Result.mapError (List.map string)

    /// The zones section (the configuration's "zones" object) read and validated, or every error.
    static member ZonePolicy(zones: JsonElement) : Appliance.Abstractions.Result<Zones.ZonePolicy> =
        NetworkFacade.Policy zones |> FacadeResult.ofList id

    /// The nftables ruleset for these zones (the configuration's "zones" object) and entries, or every error
    /// (zones, collisions) naming its culprit.
    static member CompileFirewall
        (zones: JsonElement, entries: ResolvedEntry seq)
        : Appliance.Abstractions.Result<string> =
        NetworkFacade.Policy zones
        |> Result.bind (fun policy ->
            Firewall.compile policy (List.ofSeq entries)
            |> Result.mapError (List.map string))
        |> FacadeResult.ofList id

    /// What the firewall does not open and why, in full, or every error.
    static member FirewallNotes
        (zones: JsonElement, entries: ResolvedEntry seq)
        : Appliance.Abstractions.Result<string[]> =
        NetworkFacade.Policy zones
        |> Result.bind (fun policy ->
            Firewall.notes policy (List.ofSeq entries)
            |> Result.map Array.ofList
            |> Result.mapError (List.map string))
        |> FacadeResult.ofList id

    /// Pending firewall changes: the changed lines from `before` (null: nothing in force) to `after`, with
    /// `context` unchanged lines around each change.
    static member RulesetChanges(before: string | null, after: string, context: int) : RulesetDiff.DiffLine[] =
        RulesetDiff.lines (Option.ofObj before |> Option.defaultValue "") after
        |> RulesetDiff.changes context
        |> Array.ofList

    /// The outbound allowlist's FQDN address sets, or every error.
    static member FqdnSets
        (zones: JsonElement, entries: ResolvedEntry seq)
        : Appliance.Abstractions.Result<FirewallPlan.FqdnSet[]> =
        NetworkFacade.Policy zones
        |> Result.bind (fun policy ->
            Firewall.fqdnSets policy (List.ofSeq entries)
            |> Result.mapError (List.map string))
        |> Result.map Array.ofList
        |> FacadeResult.ofList id

    // ---- socket audit (/proc)

    /// The pids under `root` (itself included), from (pid, parent) pairs.
    static member Descendants(root: int, parents: struct (int * int) seq) : int[] =
        SocketTable.descendants root [ for struct (pid, parent) in parents -> pid, parent ]
        |> Set.toArray

    /// The (pid, command, parent) of a /proc/<pid>/stat text, null when it does not parse.
    static member ParseStat(text: string) : ProcStat =
        match SocketTable.tryParseStat text with
        | Some(pid, command, parent) -> ProcStat(pid, command, parent)
        | None -> null

    /// The socket inode of a /proc/<pid>/fd link target ("socket:[123]"), null for anything else.
    static member InodeOfFdLink(target: string) : Nullable<int64> =
        SocketTable.tryInodeOfFdLink target |> Option.toNullable

    /// The listening sockets among `sockets` that belong to `ownedInodes` and that no inbound entry of `footprint`
    /// declares, ordered by transport, port, inode.
    static member Undeclared
        (footprint: ResolvedEntry seq, ownedInodes: int64 seq, sockets: SocketTable.ProcSocket seq)
        : SocketTable.UndeclaredSocket[] =
        let owned = SocketTable.ownedBy (Set.ofSeq ownedInodes) (List.ofSeq sockets)

        SocketTable.audit (SocketTable.declaredListeners (List.ofSeq footprint)) owned
        |> Array.ofList

    // ---- bandwidth planner

    /// What the planner is told about one camera; null values are unknown (a typical camera's apply). The GOP
    /// comes from the key-frame interval and the frame rate; the codec from its name ("h264", "H.265", ...).
    static member Observation
        (
            name: string,
            fps: Nullable<float>,
            bitrateKbps: Nullable<float>,
            keyframeIntervalSeconds: Nullable<float>,
            codec: string | null,
            width: Nullable<int>,
            height: Nullable<int>
        ) : BandwidthDefaults.CameraObservation =
        let fps = Option.ofNullable fps

        {
            Name = name
            Width = Option.ofNullable width
            Height = Option.ofNullable height
            Fps = fps
            BitrateKbps = Option.ofNullable bitrateKbps
            Gop =
                if keyframeIntervalSeconds.HasValue then
                    BandwidthDefaults.gopOfInterval fps (Some keyframeIntervalSeconds.Value)
                else
                    None
            Codec =
                match codec with
                | null -> None
                | name -> BandwidthDefaults.codecOfName name
        }

    /// A camera nothing is known about: a typical camera's streams.
    static member UnknownCamera: BandwidthDefaults.CameraObservation =
        NetworkFacade.Observation("", Nullable(), Nullable(), Nullable(), null, Nullable(), Nullable())

    /// The starting input for these cameras (at most `BandwidthJson.maxCameras`).
    static member DefaultPlanInput(cameras: BandwidthDefaults.CameraObservation seq) : Bandwidth.SitePlanInput =
        BandwidthDefaults.defaultInput BandwidthJson.maxCameras (List.ofSeq cameras)

    /// One default viewing pattern (for a form's new row).
    static member DefaultViewing() : Bandwidth.ViewingPattern =
        BandwidthDefaults.defaultViewing 1 |> List.head

    /// The plan for a JSON input, or every error with its path.
    static member Plan(json: string) : Appliance.Abstractions.Result<Bandwidth.SitePlan> =
        BandwidthJson.planJson json |> FacadeResult.ofList id

    /// The upload the site has, null when not given.
    static member AvailableUploadKbps(input: Bandwidth.SitePlanInput) : Nullable<float> =
        Option.toNullable input.AvailableUploadKbps

    /// The profile's bitrate when given, null when estimated from the codec model.
    static member BitrateKbps(profile: Bandwidth.StreamProfile) : Nullable<float> =
        match profile.Bitrate with
        | Bandwidth.Explicit kbps -> Nullable kbps
        | Bandwidth.Estimated -> Nullable()
