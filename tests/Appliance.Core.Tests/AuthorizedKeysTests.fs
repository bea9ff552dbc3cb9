module Appliance.Core.Tests.AuthorizedKeysTests

open System
open System.Diagnostics
open System.IO
open Xunit
open Appliance.Core.Ssh

/// A fresh public key line from OpenSSH's own ssh-keygen.
let private keygen (args: string list) =
    let dir = Directory.CreateTempSubdirectory("appliance-keys-").FullName

    try
        let key = Path.Combine(dir, "id")

        let psi =
            ProcessStartInfo("ssh-keygen", RedirectStandardOutput = true, RedirectStandardError = true)

        for a in args @ [ "-q"; "-N"; ""; "-C"; "maint@laptop"; "-f"; key ] do
            psi.ArgumentList.Add a

        use p = nonNull (Process.Start psi)
        p.WaitForExit()
        Assert.True((p.ExitCode = 0), p.StandardError.ReadToEnd())
        File.ReadAllText(key + ".pub").Trim(), File.ReadAllText key
    finally
        Directory.Delete(dir, true)

/// What ssh-keygen -l says the fingerprint of a public key line is.
let private keygenFingerprint (line: string) =
    let file = Path.GetTempFileName()

    try
        File.WriteAllText(file, line + "\n")
        let psi = ProcessStartInfo("ssh-keygen", RedirectStandardOutput = true)

        for a in [ "-l"; "-E"; "sha256"; "-f"; file ] do
            psi.ArgumentList.Add a

        use p = nonNull (Process.Start psi)
        let output = p.StandardOutput.ReadToEnd()
        p.WaitForExit()
        output.Split(' ')[1]
    finally
        File.Delete file

let private ok line =
    match AuthorizedKeys.parseLine line with
    | Ok k -> k
    | Error e -> failwith e

let private refused line =
    match AuthorizedKeys.parseLine line with
    | Ok k -> failwithf "accepted %s" k.KeyType
    | Error e -> e

/// An SSH wire blob from strings (uint32 big-endian length, then the bytes).
let private blob (parts: byte[] list) =
    parts
    |> List.collect (fun p ->
        let length = BitConverter.GetBytes(uint32 p.Length) |> Array.rev
        List.ofArray (Array.append length p))
    |> Array.ofList
    |> Convert.ToBase64String

let private ascii (s: string) = Text.Encoding.ASCII.GetBytes s

[<Theory>]
[<InlineData("ed25519", 0, 256)>]
[<InlineData("ecdsa", 256, 256)>]
[<InlineData("ecdsa", 384, 384)>]
[<InlineData("ecdsa", 521, 521)>]
[<InlineData("rsa", 3072, 3072)>]
let ``keys from ssh-keygen are accepted with ssh-keygen's fingerprint`` (kind: string) (bits: int) (expected: int) =
    let line, _ =
        keygen ([ "-t"; kind ] @ (if bits > 0 then [ "-b"; string bits ] else []))

    let key = ok line
    Assert.Equal(expected, key.Bits)
    Assert.Equal("maint@laptop", key.Comment)
    Assert.Equal(line, AuthorizedKeys.line key)
    Assert.Equal(keygenFingerprint line, AuthorizedKeys.fingerprint key)

[<Fact>]
let ``an RSA key under 3072 bits is refused with its size`` () =
    let line, _ = keygen [ "-t"; "rsa"; "-b"; "2048" ]
    Assert.Contains("at least 3072 bits, this one has 2048", refused line)

[<Fact>]
let ``a private key pasted by mistake is refused and named`` () =
    let _, privateKey = keygen [ "-t"; "ed25519" ]
    Assert.Contains("is a private key", refused privateKey)
    // Only its first line pasted.
    Assert.Contains("is a private key", refused (privateKey.Split('\n')[0]))

[<Fact>]
let ``options before the key are refused`` () =
    let line, _ = keygen [ "-t"; "ed25519" ]

    for options in [ "command=\"/bin/sh\""; "from=\"10.0.0.0/8\""; "no-pty"; "restrict" ] do
        Assert.Contains("options", refused (options + " " + line))

[<Theory>]
[<InlineData("ssh-dss AAAAB3NzaC1kc3MAAACBAP")>]
[<InlineData("sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t")>]
[<InlineData("ecdsa-sha2-nistp224 AAAA")>]
let ``other key types are refused by name`` (line: string) =
    Assert.Contains("is not accepted", refused line)

[<Fact>]
let ``malformed, truncated, oversized and mixed-up keys are refused`` () =
    let line, _ = keygen [ "-t"; "ed25519" ]
    let parts = line.Split(' ')
    let data = parts[1]
    Assert.Contains("not base64", refused ("ssh-ed25519 " + data.Replace('A', '!')))
    Assert.Contains("not valid base64", refused $"ssh-ed25519 {data.Substring(0, data.Length - 3)}")
    // Valid base64 of a blob cut short.
    let bytes = Convert.FromBase64String data
    Assert.Contains("truncated", refused $"ssh-ed25519 {Convert.ToBase64String bytes[.. bytes.Length - 5]}")
    Assert.Contains("no key data", refused "ssh-ed25519")

    Assert.Contains(
        "bytes after the key",
        refused $"ssh-ed25519 {Convert.ToBase64String(Array.append bytes [| 0uy |])}"
    )

    Assert.Contains("is a ssh-ed25519 key, the line says ssh-rsa", refused $"ssh-rsa {data}")
    Assert.Contains("at most 8192", refused ("ssh-ed25519 " + data + " " + String('x', 9000)))
    Assert.Contains("line break", refused $"ssh-ed25519 {data} a\nssh-ed25519 {data}")
    Assert.Contains("is empty", refused "   ")

    Assert.Contains(
        "ed25519 key is 32 bytes, this one 31",
        refused ("ssh-ed25519 " + blob [ ascii "ssh-ed25519"; Array.zeroCreate 31 ])
    )

    Assert.Contains(
        "curve is nistp384",
        refused (
            "ecdsa-sha2-nistp256 "
            + blob [ ascii "ecdsa-sha2-nistp256"; ascii "nistp384"; Array.zeroCreate 65 ]
        )
    )

    Assert.Contains(
        "not an uncompressed point",
        refused (
            "ecdsa-sha2-nistp256 "
            + blob [ ascii "ecdsa-sha2-nistp256"; ascii "nistp256"; Array.zeroCreate 65 ]
        )
    )

    Assert.Contains("empty exponent", refused ("ssh-rsa " + blob [ ascii "ssh-rsa"; [||]; [| 1uy |] ]))
    // A length field claiming more than the blob holds.
    Assert.Contains("truncated", refused $"ssh-ed25519 {Convert.ToBase64String [| 255uy; 255uy; 255uy; 255uy; 1uy |]}")

[<Fact>]
let ``parseAll names each bad entry, a repeated key and too many keys`` () =
    let a, _ = keygen [ "-t"; "ed25519" ]
    let b, _ = keygen [ "-t"; "ecdsa" ]

    match AuthorizedKeys.parseAll [ a; "nonsense"; b; a ] with
    | Ok _ -> failwith "accepted"
    | Error errors ->
        Assert.Equal<string list>(
            [ "ssh.authorizedKeys[1]"; "ssh.authorizedKeys[3]" ],
            errors |> List.map (fun e -> e.Path)
        )

        Assert.Contains("same key as entry 0", errors[1].Message)

    match AuthorizedKeys.parseAll (List.replicate 33 "x") with
    | Ok _ -> failwith "accepted"
    | Error errors -> Assert.Equal("ssh.authorizedKeys", errors.Head.Path)

[<Fact>]
let ``render writes one key per line after a header and nothing else`` () =
    let a, _ = keygen [ "-t"; "ed25519" ]
    let b, _ = keygen [ "-t"; "ecdsa"; "-b"; "384" ]

    match AuthorizedKeys.parseAll [ "  " + a + "  "; b ] with
    | Error e -> failwithf "%A" e
    | Ok keys ->
        let lines =
            (AuthorizedKeys.render keys).Split('\n', StringSplitOptions.RemoveEmptyEntries)

        Assert.StartsWith("#", lines[0])
        Assert.Equal<string[]>([| a; b |], lines[1..])
