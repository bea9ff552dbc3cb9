namespace Appliance.Core

open Appliance.Core.Ssh

[<Sealed>]
type SshKeySummary(keyType: string, bits: int, comment: string, fingerprint: string) =
    member _.KeyType = keyType
    member _.Bits = bits
    member _.Comment = comment
    member _.Fingerprint = fingerprint

[<Sealed>]
type SshAuthorizedKeys(file: string, keys: SshKeySummary array) =
    member _.File = file
    member _.Keys = keys

[<AbstractClass; Sealed>]
type SshFacade =
    static member AuthorizedKeys(lines: string seq) : Appliance.Abstractions.Result<SshAuthorizedKeys> =
        AuthorizedKeys.parseAll (List.ofSeq lines)
        |> Result.map (fun keys ->
            let summaries =
                keys
                |> List.map (fun k -> SshKeySummary(k.KeyType, k.Bits, k.Comment, AuthorizedKeys.fingerprint k))
                |> Array.ofList

            SshAuthorizedKeys(AuthorizedKeys.render keys, summaries))
        |> FacadeResult.ofList string
