namespace Appliance.Core.Network

/// What a /proc/<pid>/stat line says about its process.
[<Sealed; AllowNullLiteral>]
type ProcStat =

    new: pid: int * command: string * parent: int -> ProcStat

    member Command: string

    member Parent: int

    member Pid: int

/// The network core for C# callers (host, firewall, socket audit, portal): arrays, nullables and
/// `Appliance.Abstractions.Result<T>` (failure `invalid`, one error per line) instead of F# lists, options and
/// results. Footprints go in as any sequence.
[<AbstractClass; Sealed; Class>]
type NetworkFacade =

    /// The upload the site has, null when not given.
    static member AvailableUploadKbps: input: Bandwidth.SitePlanInput -> System.Nullable<float>

    /// The profile's bitrate when given, null when estimated from the codec model.
    static member BitrateKbps: profile: Bandwidth.StreamProfile -> System.Nullable<float>

    /// Entries that claim the same port (each as "path: message").
    static member Collisions: entries: ResolvedEntry seq -> string array

    /// The nftables ruleset for these zones (the configuration's "zones" object) and entries, or every error
    /// (zones, collisions) naming its culprit.
    static member CompileFirewall:
        zones: System.Text.Json.JsonElement * entries: ResolvedEntry seq -> Appliance.Abstractions.Result<string>

    /// What the firewall does not open and why, in full, or every error.
    static member FirewallNotes:
        zones: System.Text.Json.JsonElement * entries: ResolvedEntry seq -> Appliance.Abstractions.Result<string array>

    /// Pending firewall changes: the changed lines from `before` (null: nothing in force) to `after`, with
    /// `context` unchanged lines around each change.
    static member RulesetChanges: before: string | null * after: string * context: int -> RulesetDiff.DiffLine array

    /// The configuration key the row's port comes from, null when fixed.
    static member ConfigKey: row: Requirements.RequirementRow -> string | null

    /// The starting input for these cameras (at most `BandwidthJson.maxCameras`).
    static member DefaultPlanInput: cameras: BandwidthDefaults.CameraObservation seq -> Bandwidth.SitePlanInput

    /// One default viewing pattern (for a form's new row).
    static member DefaultViewing: unit -> Bandwidth.ViewingPattern

    /// The pids under `root` (itself included), from (pid, parent) pairs.
    static member Descendants: root: int * parents: struct (int * int) seq -> int array

    /// Outbound entries for cameras on ports no cameras-zone entry covers (see `Requirements.cameraEntries`):
    /// (name, host, RTSP port, ONVIF port) per camera.
    static member CameraEntries:
        cameras: struct (string * string * System.Nullable<int> * System.Nullable<int>) seq * entries: ResolvedEntry seq ->
            ResolvedEntry array

    /// The row's "from" and "to" (see `Requirements.endpoints`): sources and appliance addresses per zone.
    static member Endpoints:
        sources: System.Collections.Generic.IReadOnlyDictionary<string, string array> *
        appliance: System.Collections.Generic.IReadOnlyDictionary<string, string array> *
        row: Requirements.RequirementRow ->
            Requirements.Endpoints

    /// The notes under the requirements table, as Markdown items (see `Requirements.notes`).
    static member RequirementsNotes: rows: Requirements.RequirementRow seq -> string array

    /// The row's host name, null when it has none.
    static member Fqdn: row: Requirements.RequirementRow -> string | null

    /// The outbound allowlist's FQDN address sets, or every error.
    static member FqdnSets:
        zones: System.Text.Json.JsonElement * entries: ResolvedEntry seq ->
            Appliance.Abstractions.Result<FirewallPlan.FqdnSet array>

    static member HostEntries: settings: HostNetworkSettings -> ResolvedEntry array

    /// The host's network settings; null or blank values are "not configured" (proxy and directory: a null host);
    /// sshZones empty while SSH is off.
    static member HostSettings:
        httpsPort: int *
        httpPort: System.Nullable<int> *
        managementZone: string *
        uplinkZone: string *
        ntpServers: string seq *
        updateFqdns: string seq *
        cloudMqttFqdn: string | null *
        cloudMqttPort: int *
        cloudBrokers: struct (string * int) seq *
        proxyHost: string | null *
        proxyPort: int *
        proxyZone: string *
        directoryHost: string | null *
        directoryPort: int *
        directoryZone: string *
        stunHost: string | null *
        stunPort: int *
        sshZones: string seq ->
            HostNetworkSettings

    /// The socket inode of a /proc/<pid>/fd link target ("socket:[123]"), null for anything else.
    static member InodeOfFdLink: target: string -> System.Nullable<int64>

    /// The proxy the settings name, if any.
    static member TryGetProxy:
        settings: HostNetworkSettings * [<System.Runtime.InteropServices.Out>] proxy: byref<ProxySettings> -> bool

    /// The zones section (the configuration's "zones" object) read and validated, or every error.
    static member ZonePolicy: zones: System.Text.Json.JsonElement -> Appliance.Abstractions.Result<Zones.ZonePolicy>

    /// The row's multicast group, null when none.
    static member Multicast: row: Requirements.RequirementRow -> string | null

    /// What the planner is told about one camera; null values are unknown (a typical camera's apply). The GOP
    /// comes from the key-frame interval and the frame rate; the codec from its name ("h264", "H.265", ...).
    static member Observation:
        name: string *
        fps: System.Nullable<float> *
        bitrateKbps: System.Nullable<float> *
        keyframeIntervalSeconds: System.Nullable<float> *
        codec: string | null *
        width: System.Nullable<int> *
        height: System.Nullable<int> ->
            BandwidthDefaults.CameraObservation

    /// The (pid, command, parent) of a /proc/<pid>/stat text, null when it does not parse.
    static member ParseStat: text: string -> ProcStat

    /// The plan for a JSON input, or every error with its path.
    static member Plan: json: string -> Appliance.Abstractions.Result<Bandwidth.SitePlan>

    /// The requirement table's rows for these entries (see `Requirements.build`).
    static member Requirements: entries: ResolvedEntry seq -> Requirements.RequirementRow array

    /// The requirements in `format`: "md"/"markdown", "csv", "json" or "allowlist" (case-insensitive); null for
    /// another format.
    static member RequirementsText: entries: ResolvedEntry seq * format: string -> string | null

    /// The listening sockets among `sockets` that belong to `ownedInodes` and that no inbound entry of `footprint`
    /// declares, ordered by transport, port, inode.
    static member Undeclared:
        footprint: ResolvedEntry seq * ownedInodes: int64 seq * sockets: SocketTable.ProcSocket seq ->
            SocketTable.UndeclaredSocket array

    /// Problems with the host's network settings (each "path: message"), empty when fine.
    static member ValidateHostSettings: settings: HostNetworkSettings -> string array

    /// A camera nothing is known about: a typical camera's streams.
    static member UnknownCamera: BandwidthDefaults.CameraObservation
