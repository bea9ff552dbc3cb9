using Appliance.Abstractions;
using System.Net;
using Appliance.Plugins.Onvif.Protocol.Mdns;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Mdns;

public class DnsMessageTests
{
    private static byte[] Capture() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Captures", "avahi-rtsp-browse-answer.bin"));

    /// <summary>A real answer of avahi-daemon 0.8 (Debian 12) to a PTR query for _rtsp._tcp.local, captured in a test namespace.</summary>
    [Fact]
    public void AvahiAnswerCaptureDecodes()
    {
        var message = DnsReader.Decode(Capture()).Value;
        Assert.True(message.IsResponse);
        Assert.Equal(DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag, message.Flags);
        var txt = message.Answers.OfType<TxtRecord>().Single();
        Assert.Equal("Lobby Camera._rtsp._tcp.local", txt.Name);
        Assert.True(txt.CacheFlush);
        Assert.Equal("/stream1", txt.Attributes()["path"]);
        Assert.Equal("SimCam-100", txt.Attributes()["MODEL"]);
        var srv = message.Answers.OfType<SrvRecord>().Single();
        Assert.Equal((ushort)8554, srv.Port);
        Assert.Equal("simcam.local", srv.Target);
        Assert.Contains(message.Answers.OfType<PtrRecord>(), p => p.Name == "_rtsp._tcp.local" && p.DomainName == "Lobby Camera._rtsp._tcp.local");
        Assert.Contains(message.Answers.OfType<AddressRecord>(), a => a.Address.Equals(IPAddress.Parse("10.213.7.1")));
        Assert.Contains(message.Answers.OfType<AddressRecord>(), a => a.Type == DnsType.Aaaa);
    }

    [Fact]
    public void EncodeDecodeRoundTripCompressesRepeatedSuffixes()
    {
        var message = new DnsMessage(0, DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag, [],
            [
                new PtrRecord("_rtsp._tcp.local", 4500, false, "Cam\\.One._rtsp._tcp.local"),
                new SrvRecord("Cam\\.One._rtsp._tcp.local", 120, true, 0, 0, 554, "cam-one.local"),
                TxtRecord.FromAttributes("Cam\\.One._rtsp._tcp.local", 4500, [new("path", "/live"), new("vendor", "Acme")]),
                new AddressRecord("cam-one.local", 120, true, IPAddress.Parse("192.0.2.7")),
                new AddressRecord("cam-one.local", 120, true, IPAddress.Parse("2001:db8::7")),
            ], [], []);
        var bytes = DnsWriter.Encode(message);
        var decoded = DnsReader.Decode(bytes).Value;
        Assert.Equal(message.Answers.Count, decoded.Answers.Count);
        Assert.Equal("Cam\\.One._rtsp._tcp.local", ((PtrRecord)decoded.Answers[0]).DomainName);
        Assert.Equal("Cam.One", DnsName.FirstLabel(((PtrRecord)decoded.Answers[0]).DomainName));
        Assert.Equal(message.Answers[1], decoded.Answers[1]);
        Assert.Equal("/live", ((TxtRecord)decoded.Answers[2]).Attributes()["path"]);
        Assert.Equal(IPAddress.Parse("2001:db8::7"), ((AddressRecord)decoded.Answers[4]).Address);
        var uncompressed = message.Answers.Sum(r => r.Name.Length + 2 + 10) + 12;
        Assert.True(bytes.Length < uncompressed, $"{bytes.Length} bytes should be below the {uncompressed} an uncompressed encoding needs");
        Assert.Contains((byte)0xC0, bytes);
    }

    [Fact]
    public void QueryWithUnicastResponseBit()
    {
        var bytes = DnsWriter.Encode(DnsMessage.Query(new DnsQuestion("_onvif._tcp.local", DnsType.Ptr, UnicastResponse: true)));
        var question = DnsReader.Decode(bytes).Value.Questions.Single();
        Assert.True(question.UnicastResponse);
        Assert.Equal(DnsType.Ptr, question.Type);
    }

    [Fact]
    public void PointerToItselfIsALoopAndRefused()
    {
        // header, 1 question whose name is a pointer to its own offset 12
        byte[] data = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 12, 0, 1];
        var error = DnsReader.Decode(data).Failure!;
        Assert.Equal(ErrorKind.MalformedDns, error.Code);
        Assert.Contains("does not point backwards", error.Message);
    }

    [Fact]
    public void TwoPointersChasingEachOtherAreRefused()
    {
        // answer 1 name at 12: label "a" then pointer to 12 (backwards, but into the same name: a cycle)
        byte[] data = [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, (byte)'a', 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4];
        Assert.Contains("does not point backwards", DnsReader.Decode(data).Failure!.Message);
    }

    [Fact]
    public void PointerOutsideTheMessageIsRefused()
    {
        byte[] data = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 12, 0, 1];
        Assert.Contains("outside", DnsReader.Decode(data).Failure!.Message);
    }

    [Fact]
    public void ReservedLabelTypeIsRefused()
    {
        byte[] data = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 12, 0, 1];
        Assert.Contains("reserved label type", DnsReader.Decode(data).Failure!.Message);
    }

    [Fact]
    public void CountsLargerThanTheDataAreRefusedUpFront()
    {
        byte[] data = [0, 0, 0x84, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0];
        var error = DnsReader.Decode(data).Failure!;
        Assert.Contains("more than the", error.Message);
    }

    [Fact]
    public void EveryTruncationOfTheCaptureIsAnError()
    {
        var capture = Capture();
        for (var length = 0; length < capture.Length; length++)
        {
            var result = DnsReader.Decode(capture.AsSpan(0, length));
            Assert.False(result.IsOk, $"a {length}-byte prefix decoded");
            Assert.Equal(ErrorKind.MalformedDns, result.Failure!.Code);
        }
    }

    [Fact]
    public void RandomCorruptionNeverThrows()
    {
        var capture = Capture();
        var random = new Random(6762);
        for (var i = 0; i < 2000; i++)
        {
            var copy = (byte[])capture.Clone();
            for (var j = 0; j < 4; j++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
            var result = DnsReader.Decode(copy);
            Assert.True(result.IsOk || result.Failure!.Code == ErrorKind.MalformedDns);
        }
    }

    [Fact]
    public void NameLongerThan255OctetsIsRefused()
    {
        var name = new List<byte>();
        for (var i = 0; i < 5; i++) { name.Add(63); name.AddRange(Enumerable.Repeat((byte)'x', 63)); }
        name.Add(0);
        byte[] header = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        var data = header.Concat(name).Concat(new byte[] { 0, 12, 0, 1 }).ToArray();
        Assert.Contains("longer than 255", DnsReader.Decode(data).Failure!.Message);
    }

    [Fact]
    public void RecordsWithInconsistentRdataAreRefused()
    {
        byte[] header = [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0];
        byte[] name = [1, (byte)'a', 0];
        byte[] aWith3 = [0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3];
        byte[] txtOverrun = [0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 9, (byte)'x'];
        byte[] rdataPastEnd = [0, 12, 0, 1, 0, 0, 0, 1, 0, 50, 1, (byte)'b', 0];
        Assert.Contains("expected 4", DnsReader.Decode([.. header, .. name, .. aWith3]).Failure!.Message);
        Assert.Contains("runs past the RDATA", DnsReader.Decode([.. header, .. name, .. txtOverrun]).Failure!.Message);
        Assert.Contains("truncated", DnsReader.Decode([.. header, .. name, .. rdataPastEnd]).Failure!.Message);
    }

    [Fact]
    public void OversizedMessageIsRefused() =>
        Assert.Contains("exceeds", DnsReader.Decode(new byte[DnsReader.MaxMessageBytes + 1]).Failure!.Message);
}
