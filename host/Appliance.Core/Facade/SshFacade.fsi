namespace Appliance.Core

/// One accepted key as the API and the portal show it.
[<Sealed>]
type SshKeySummary =
    member KeyType: string
    member Bits: int
    member Comment: string
    member Fingerprint: string

/// The authorized_keys file to write and what it holds.
[<Sealed>]
type SshAuthorizedKeys =
    member File: string
    member Keys: SshKeySummary array

/// The maintenance SSH login's keys for C#.
[<AbstractClass; Sealed>]
type SshFacade =
    /// The lines of systemServices.ssh.authorizedKeys checked (AuthorizedKeys.parseAll), or every problem ("path: message").
    static member AuthorizedKeys: lines: string seq -> Appliance.Abstractions.Result<SshAuthorizedKeys>
