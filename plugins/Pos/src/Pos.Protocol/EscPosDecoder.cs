using System.Text;

namespace Appliance.Plugins.Pos.Protocol;

/// <summary>What the decoder makes of a register's byte stream.</summary>
public enum PosTokenKind
{
    /// <summary>A printed line of text (control codes removed).</summary>
    Line,

    /// <summary>A paper cut (<c>GS V</c>): the end of a receipt.</summary>
    Cut,

    /// <summary>The cash drawer was kicked open (<c>ESC p</c>).</summary>
    Drawer,
}

public readonly record struct PosToken(PosTokenKind Kind, string Text);

/// <summary>
/// Turns raw receipt-printer output - plain text or ESC/POS - into lines, cuts and drawer kicks, as a stream: bytes
/// may arrive split anywhere. Interpreted: LF ends a line (CR ignored, HT a space), <c>ESC @</c> (initialize: the code
/// page back to the default), <c>ESC t n</c> (code page: 0 = CP437, 2 = CP850, 16 = CP1252; others keep the current
/// one), <c>ESC d n</c> (feed: ends the line), <c>ESC p</c> (drawer kick), <c>GS V</c> (cut). Skipped with their
/// arguments: text styles (<c>ESC ! E - G a M R { V J 3 SP r c</c>, <c>GS ! B H h w f a r I L W</c>), raster images
/// (<c>GS v 0</c>: the data length is read from its header and the data skipped without being held), graphics
/// (<c>GS ( L</c>, <c>GS 8 L</c>), barcodes (<c>GS k</c>), real-time status (<c>DLE EOT</c>). Any other control byte is
/// dropped. Text bytes are UTF-8 by default (an invalid sequence becomes U+FFFD) or the selected code page. A line
/// longer than <see cref="MaxLineBytes"/> is cut there. Never throws on input. Not thread-safe.
/// </summary>
public sealed class EscPosDecoder
{
    private const byte Esc = 0x1B, Gs = 0x1D, Fs = 0x1C, Dle = 0x10, Lf = 0x0A, Cr = 0x0D, Ht = 0x09;

    private readonly Encoding _default;
    private readonly List<byte> _line = [];
    private readonly byte[] _header = new byte[5];
    private Encoding _encoding;
    private State _state = State.Text;
    private long _skip;
    private int _headerAt;
    private byte _command;

    public EscPosDecoder(Encoding? defaultEncoding = null, int maxLineBytes = 1024)
    {
        _default = _encoding = defaultEncoding ?? new UTF8Encoding(false, false);
        MaxLineBytes = maxLineBytes > 0 ? maxLineBytes : throw new ArgumentOutOfRangeException(nameof(maxLineBytes));
    }

    public int MaxLineBytes { get; }

    /// <summary>Control bytes and commands dropped so far (for the register's statistics).</summary>
    public long Dropped { get; private set; }

    /// <summary>Image and graphics bytes skipped so far.</summary>
    public long ImageBytes { get; private set; }

    private enum State { Text, Esc, Gs, Fs, Dle, Skip, GsV, GsSmallV, Raster, RasterData, GsParen, GsParenLength, Gs8, Gs8Length, GsK, BarcodeNul, BarcodeLength, EscT, EscD, EscP }

    public IReadOnlyList<PosToken> Push(ReadOnlySpan<byte> bytes)
    {
        var tokens = new List<PosToken>();
        foreach (var b in bytes) Step(b, tokens);
        return tokens;
    }

    /// <summary>The unfinished line, if any (the register closed the connection without a final LF).</summary>
    public PosToken? Flush()
    {
        if (_line.Count == 0) return null;
        var line = Decode();
        return new PosToken(PosTokenKind.Line, line);
    }

    private void Step(byte b, List<PosToken> tokens)
    {
        switch (_state)
        {
            case State.Text: Text(b, tokens); break;
            case State.Esc: EscCommand(b, tokens); break;
            case State.Gs: GsCommand(b, tokens); break;
            case State.Fs: _state = b == (byte)'p' ? Skipping(2) : State.Text; Dropped++; break;
            case State.Dle: _state = b is 0x04 or 0x05 ? Skipping(1) : b == 0x14 ? Skipping(2) : State.Text; Dropped++; break;
            case State.Skip:
                if (--_skip <= 0) _state = State.Text;
                break;
            case State.EscT:
                _encoding = b switch
                {
                    0 => CodePage(437),
                    2 => CodePage(850),
                    16 => CodePage(1252),
                    _ => _encoding,
                };
                _state = State.Text;
                break;
            case State.EscD:
                EndLine(tokens, always: false);
                _state = State.Text;
                break;
            case State.EscP:
                tokens.Add(new PosToken(PosTokenKind.Drawer, ""));
                _state = Skipping(2);
                break;
            case State.GsV:
                EndLine(tokens, always: false);
                tokens.Add(new PosToken(PosTokenKind.Cut, ""));
                _state = b is 65 or 66 or 97 or 98 or 103 or 104 ? Skipping(1) : State.Text;
                break;
            case State.GsSmallV:
                if (b == (byte)'0')
                {
                    _headerAt = 0;
                    _state = State.Raster;
                }
                else _state = State.Text;
                break;
            case State.Raster:
                _header[_headerAt++] = b;
                if (_headerAt < 5) break;
                var length = (long)(_header[1] + (_header[2] << 8)) * (_header[3] + (_header[4] << 8));
                ImageBytes += length;
                _state = length > 0 ? Skipping(length) : State.Text;
                break;
            case State.GsParen:
                _headerAt = 0;
                _state = State.GsParenLength;
                break;
            case State.GsParenLength:
                _header[_headerAt++] = b;
                if (_headerAt < 2) break;
                var parenLength = _header[0] + (_header[1] << 8);
                ImageBytes += parenLength;
                _state = parenLength > 0 ? Skipping(parenLength) : State.Text;
                break;
            case State.Gs8:
                _headerAt = 0;
                _state = b == (byte)'L' ? State.Gs8Length : State.Text;
                break;
            case State.Gs8Length:
                _header[_headerAt++] = b;
                if (_headerAt < 4) break;
                var longLength = _header[0] + ((long)_header[1] << 8) + ((long)_header[2] << 16) + ((long)_header[3] << 24);
                ImageBytes += longLength;
                _state = longLength > 0 ? Skipping(longLength) : State.Text;
                break;
            case State.GsK:
                _state = b <= 6 ? State.BarcodeNul : State.BarcodeLength;
                break;
            case State.BarcodeNul:
                if (b == 0) _state = State.Text;
                break;
            case State.BarcodeLength:
                _state = b > 0 ? Skipping(b) : State.Text;
                break;
            default: throw new InvalidOperationException($"decoder state {_state}");
        }
    }

    private void Text(byte b, List<PosToken> tokens)
    {
        switch (b)
        {
            case Lf: EndLine(tokens, always: true); return;
            case Cr: return;
            case Ht: Add((byte)' ', tokens); return;
            case Esc: _state = State.Esc; return;
            case Gs: _state = State.Gs; return;
            case Fs: _state = State.Fs; return;
            case Dle: _state = State.Dle; return;
            case < 0x20 or 0x7F:
                Dropped++;
                return;
            default: Add(b, tokens); return;
        }
    }

    private void EscCommand(byte b, List<PosToken> tokens)
    {
        Dropped++;
        _command = b;
        _state = (char)b switch
        {
            '@' => Reset(),
            't' => State.EscT,
            'd' or 'J' => State.EscD,
            'p' => State.EscP,
            '!' or 'E' or '-' or 'G' or 'a' or 'M' or 'R' or '{' or 'V' or '3' or ' ' or 'r' or 'U' or 'c' => Skipping(_command == 'c' ? 2 : 1),
            _ => State.Text,
        };
    }

    private void GsCommand(byte b, List<PosToken> tokens)
    {
        Dropped++;
        _state = (char)b switch
        {
            'V' => State.GsV,
            'v' => State.GsSmallV,
            '(' => State.GsParen,
            '8' => State.Gs8,
            'k' => State.GsK,
            '!' or 'B' or 'H' or 'h' or 'w' or 'f' or 'a' or 'r' or 'I' => Skipping(1),
            'L' or 'W' => Skipping(2),
            _ => State.Text,
        };
    }

    private State Reset()
    {
        _encoding = _default;
        return State.Text;
    }

    private State Skipping(long count)
    {
        _skip = count;
        return State.Skip;
    }

    private void Add(byte b, List<PosToken> tokens)
    {
        if (_line.Count == MaxLineBytes) EndLine(tokens, always: true);
        _line.Add(b);
    }

    private void EndLine(List<PosToken> tokens, bool always)
    {
        if (_line.Count == 0 && !always) return;
        tokens.Add(new PosToken(PosTokenKind.Line, Decode()));
    }

    private string Decode()
    {
        var text = _encoding.GetString([.. _line]);
        _line.Clear();
        return text.TrimEnd();
    }

    private static Encoding CodePage(int number) => CodePagesEncodingProvider.Instance.GetEncoding(number) ?? Encoding.Latin1;
}
