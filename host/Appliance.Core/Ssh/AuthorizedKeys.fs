module Appliance.Core.Ssh.AuthorizedKeys

open System
open System.Buffers.Binary
open Appliance.Core.Manifest

[<Literal>]
let MaxLineLength = 8192

[<Literal>]
let MaxKeys = 32

[<Literal>]
let MinRsaBits = 3072

type AuthorizedKey =
    {
        KeyType: string
        Blob: byte[]
        Bits: int
        Comment: string
    }

/// Curve name inside the blob and the length of its uncompressed point (0x04 || X || Y).
let private curves =
    Map.ofList
        [
            "ecdsa-sha2-nistp256", ("nistp256", 256, 65)
            "ecdsa-sha2-nistp384", ("nistp384", 384, 97)
            "ecdsa-sha2-nistp521", ("nistp521", 521, 133)
        ]

let acceptedTypes =
    [
        "ssh-ed25519"
        "ecdsa-sha2-nistp256"
        "ecdsa-sha2-nistp384"
        "ecdsa-sha2-nistp521"
        "ssh-rsa"
    ]

/// Reads SSH wire strings (uint32 length, bytes) from a blob; None past its end.
type private Reader(blob: byte[]) =
    let mutable offset = 0

    member _.Next() : byte[] option =
        if blob.Length - offset < 4 then
            None
        else
            let length = BinaryPrimitives.ReadUInt32BigEndian(ReadOnlySpan(blob, offset, 4))

            if length > uint32 (blob.Length - offset - 4) then
                None
            else
                let value = blob[offset + 4 .. offset + 4 + int length - 1]
                offset <- offset + 4 + int length
                Some value

    member _.AtEnd = offset = blob.Length

let private text (b: byte[]) = Text.Encoding.ASCII.GetString b

/// Bits of an mpint (big-endian two's complement, a leading zero byte when the top bit is set).
let private mpintBits (b: byte[]) =
    let digits = b |> Array.skipWhile ((=) 0uy)

    if digits.Length = 0 then
        0
    else
        (digits.Length - 1) * 8
        + (32 - Numerics.BitOperations.LeadingZeroCount(uint32 digits[0]))

/// The key's size in bits from its blob, checked against its type.
let private keyBits (keyType: string) (blob: byte[]) : Result<int, string> =
    let r = Reader blob
    let truncated = Error "the key data is truncated"

    match r.Next() with
    | None -> truncated
    | Some t when text t <> keyType -> Error $"the key data is a {text t} key, the line says {keyType}"
    | Some _ ->
        let bits =
            match keyType with
            | "ssh-ed25519" ->
                match r.Next() with
                | Some pk when pk.Length = 32 -> Ok 256
                | Some pk -> Error $"an ed25519 key is 32 bytes, this one {pk.Length}"
                | None -> truncated
            | "ssh-rsa" ->
                match r.Next(), r.Next() with
                | Some e, Some n when mpintBits e = 0 || mpintBits n = 0 ->
                    Error "the RSA key has an empty exponent or modulus"
                | Some _, Some n when mpintBits n < MinRsaBits ->
                    Error $"RSA keys need at least {MinRsaBits} bits, this one has {mpintBits n}"
                | Some _, Some n -> Ok(mpintBits n)
                | _ -> truncated
            | _ ->
                let curve, bits, pointLength = curves[keyType]

                match r.Next(), r.Next() with
                | Some c, _ when text c <> curve -> Error $"the key's curve is {text c}, the line says {curve}"
                | Some _, Some q when q.Length = pointLength && q[0] = 4uy -> Ok bits
                | Some _, Some q ->
                    Error $"the {curve} point is not an uncompressed point of {pointLength} bytes ({q.Length})"
                | _ -> truncated

        match bits with
        | Ok _ when not r.AtEnd -> Error "the key data has bytes after the key"
        | b -> b

let private isPrintable (s: string) =
    s |> Seq.forall (fun c -> c >= ' ' && c < char 127)

let private isBase64 (s: string) =
    s.Length > 0
    && s
       |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '+' || c = '/' || c = '=')

let parseLine (line: string) : Result<AuthorizedKey, string> =
    let trimmed = if String.IsNullOrEmpty line then "" else line.Trim()

    if trimmed.Length = 0 then
        Error "is empty"
    elif trimmed.Length > MaxLineLength then
        Error $"is {trimmed.Length} characters long, at most {MaxLineLength}"
    elif trimmed.Contains "PRIVATE KEY" then
        Error "is a private key: paste the public key (the .pub file), and never share the private one"
    elif not (isPrintable trimmed) then
        Error "holds a line break or a control character: one key per entry"
    else
        let parts = trimmed.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries)
        let keyType = parts[0]

        if not (List.contains keyType acceptedTypes) then
            if
                keyType.StartsWith "ssh-"
                || keyType.StartsWith "ecdsa-"
                || keyType.StartsWith "sk-"
            then
                Error(
                    $"""key type {keyType} is not accepted (only {String.Join(", ", acceptedTypes)}; RSA from {MinRsaBits} bits)"""
                )
            else
                Error "starts with options or an unknown key type: options (command=, from=, ...) are not accepted"
        elif parts.Length < 2 then
            Error "has no key data after the key type (truncated?)"
        elif not (isBase64 parts[1]) then
            Error "the key data is not base64"
        else
            let blob =
                try
                    Some(Convert.FromBase64String parts[1])
                with :? FormatException ->
                    None

            match blob with
            | None -> Error "the key data is not valid base64 (truncated?)"
            | Some blob ->
                keyBits keyType blob
                |> Result.map (fun bits ->
                    {
                        KeyType = keyType
                        Blob = blob
                        Bits = bits
                        Comment = if parts.Length > 2 then parts[2].Trim() else ""
                    })

let fingerprint (key: AuthorizedKey) =
    "SHA256:"
    + Convert.ToBase64String(Security.Cryptography.SHA256.HashData key.Blob).TrimEnd '='

let parseAll (lines: string list) : Result<AuthorizedKey list, ManifestError list> =
    let err i message =
        {
            Path = $"ssh.authorizedKeys[{i}]"
            Message = message
        }

    let parsed = lines |> List.mapi (fun i l -> i, parseLine l)

    let errors =
        [
            if List.length lines > MaxKeys then
                yield
                    {
                        Path = "ssh.authorizedKeys"
                        Message = $"{List.length lines} keys, at most {MaxKeys}"
                    }
            for i, r in parsed do
                match r with
                | Error e -> yield err i e
                | Ok _ -> ()
            let keys =
                parsed
                |> List.choose (fun (i, r) ->
                    match r with
                    | Ok k -> Some(i, fingerprint k)
                    | Error _ -> None)

            for i, f in keys do
                match keys |> List.tryFind (fun (j, g) -> j < i && g = f) with
                | Some(j, _) -> yield err i $"is the same key as entry {j} ({f})"
                | None -> ()
        ]

    if errors.IsEmpty then
        parsed
        |> List.choose (fun (_, r) ->
            match r with
            | Ok k -> Some k
            | Error _ -> None)
        |> Ok
    else
        Error errors

let line (key: AuthorizedKey) =
    let body = key.KeyType + " " + Convert.ToBase64String key.Blob

    if key.Comment.Length > 0 then
        body + " " + key.Comment
    else
        body

let render (keys: AuthorizedKey list) =
    "# Written by the appliance from systemServices.ssh.authorizedKeys; changes here are overwritten.\n"
    + String.Join("", keys |> List.map (fun k -> line k + "\n"))
