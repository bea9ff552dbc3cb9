/// OpenSSH authorized_keys lines for the maintenance login (appliance.systemServices.ssh.authorizedKeys), parsed and checked:
/// only ssh-ed25519, ecdsa-sha2-nistp256/384/521 and RSA keys of at least 3072 bits (used with rsa-sha2-256/512
/// signatures). Options before the key (command=, from=, no-pty, ...) are refused: the file the appliance writes
/// holds plain keys and comments only.
module Appliance.Core.Ssh.AuthorizedKeys

/// The longest line accepted (an RSA 16384-bit key line is about 2.8 KB).
[<Literal>]
val MaxLineLength: int = 8192

/// At most this many keys.
[<Literal>]
val MaxKeys: int = 32

/// The smallest RSA modulus accepted, in bits.
[<Literal>]
val MinRsaBits: int = 3072

/// A public key: its type, the key blob as sent on the wire, the key's size in bits and the comment.
type AuthorizedKey =
    {
        KeyType: string
        Blob: byte[]
        Bits: int
        Comment: string
    }

/// The key types accepted.
val acceptedTypes: string list

/// One line read and checked, or why not.
val parseLine: line: string -> Result<AuthorizedKey, string>

/// Every line (blank lines and '#' comments are not allowed: one key per entry), or every problem with its path
/// ("ssh.authorizedKeys[i]"); the same key twice is refused too.
val parseAll: lines: string list -> Result<AuthorizedKey list, Appliance.Core.Manifest.ManifestError list>

/// OpenSSH's fingerprint of a key: "SHA256:" and the unpadded base64 of the SHA-256 of the blob.
val fingerprint: key: AuthorizedKey -> string

/// The line written back: type, base64 blob and comment (when any).
val line: key: AuthorizedKey -> string

/// The authorized_keys file: a header comment and one line per key.
val render: keys: AuthorizedKey list -> string
