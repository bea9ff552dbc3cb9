using Appliance.Abstractions;
using System.Text;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Xml;

public class SafeXmlTests
{
    private const string BillionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        ]>
        <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>&lol9;</x></s:Body></s:Envelope>
        """;

    private const string ExternalEntity = """
        <?xml version="1.0"?>
        <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
        <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>&xxe;</x></s:Body></s:Envelope>
        """;

    [Fact]
    public void BillionLaughsIsRefusedAsHostile()
    {
        var result = SafeXml.Parse(BillionLaughs);
        Assert.False(result.IsOk);
        Assert.Equal(ErrorKind.HostileXml, result.Failure!.Code);
        Assert.Contains("entity", result.Failure.Message);
    }

    [Fact]
    public void ExternalEntityIsRefusedAndNothingIsRead()
    {
        var result = SafeXml.Parse(ExternalEntity);
        Assert.Equal(ErrorKind.HostileXml, result.Failure!.Code);
        Assert.DoesNotContain("root:", result.Failure.Message);
    }

    [Fact]
    public void Utf16DoctypeSlipsPastThePreScanButTheReaderStillRefusesIt()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(ExternalEntity.Replace("<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"utf-16\"?>"))).ToArray();
        var result = SafeXml.Parse(bytes);
        Assert.Equal(ErrorKind.HostileXml, result.Failure!.Code);
    }

    [Fact]
    public void ParameterEntityInInternalSubsetIsRefused()
    {
        var xml = """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><r/>""";
        Assert.Equal(ErrorKind.HostileXml, SafeXml.Parse(xml).Failure!.Code);
    }

    [Theory]
    [InlineData("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>")]
    [InlineData("<a><b></a>")]
    [InlineData("not xml at all")]
    [InlineData("<a attr=\"unterminated></a>")]
    [InlineData("<a>&undefined;</a>")]
    public void MalformedOrTruncatedXmlIsAClearError(string xml)
    {
        var result = SafeXml.Parse(xml);
        Assert.Equal(ErrorKind.MalformedXml, result.Failure!.Code);
        Assert.Contains("line", result.Failure.Message);
    }

    [Fact]
    public void EmptyDocumentIsMalformed() =>
        Assert.Equal(ErrorKind.MalformedXml, SafeXml.Parse(ReadOnlyMemory<byte>.Empty).Failure!.Code);

    [Fact]
    public void OversizedDocumentIsRefusedBeforeParsing()
    {
        var big = "<a>" + new string('x', 2 * 1024 * 1024) + "</a>";
        var result = SafeXml.Parse(big);
        Assert.Equal(ErrorKind.TooLarge, result.Failure!.Code);
        Assert.Contains("exceeds", result.Failure.Message);
    }

    [Fact]
    public void InvalidUtf8IsMalformedNotACrash()
    {
        var bytes = "<a>"u8.ToArray().Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat("</a>"u8.ToArray()).ToArray();
        Assert.Equal(ErrorKind.MalformedXml, SafeXml.Parse(bytes).Failure!.Code);
    }

    [Fact]
    public void ReaderSettingsProhibitDtdAndResolver()
    {
        var settings = SafeXml.ReaderSettings(1000);
        Assert.Equal(System.Xml.DtdProcessing.Prohibit, settings.DtdProcessing);
        Assert.Equal(0, settings.MaxCharactersFromEntities);
        Assert.Equal(1000, settings.MaxCharactersInDocument);
    }
}
