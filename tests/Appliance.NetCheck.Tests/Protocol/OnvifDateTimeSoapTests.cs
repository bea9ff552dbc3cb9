using Appliance.NetCheck.Onvif;
using Appliance.NetCheck.Tests.Infrastructure;
using Xunit;

namespace Appliance.NetCheck.Tests.Protocol;

public class OnvifDateTimeSoapTests
{
    [Fact]
    public void Documented_response_shape_parses_utc_time()
    {
        var time = new DateTimeOffset(2026, 2, 28, 23, 59, 7, TimeSpan.Zero);
        var parsed = OnvifDateTimeSoap.ParseResponse(Fixture.OnvifDateTime(time));
        Assert.True(parsed.IsOk, parsed.ToString());
        var result = parsed.Value;
        Assert.Equal(time, result.UtcDateTime);
        Assert.Equal("NTP", result.DateTimeType);
        Assert.Equal("CST-8", result.TimeZone);
        Assert.False(result.DaylightSavings);
    }

    [Fact]
    public void Request_is_soap_1_2_with_the_device_namespace_and_action()
    {
        Assert.Contains("http://www.w3.org/2003/05/soap-envelope", OnvifDateTimeSoap.RequestEnvelope, StringComparison.Ordinal);
        Assert.Contains("<GetSystemDateAndTime xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/>", OnvifDateTimeSoap.RequestEnvelope, StringComparison.Ordinal);
        Assert.Equal("application/soap+xml; charset=utf-8; action=\"http://www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime\"", OnvifDateTimeSoap.ContentType);
    }

    public static TheoryData<string, string, string> Hostile()
    {
        var good = Fixture.OnvifDateTime(new DateTimeOffset(2026, 1, 31, 1, 2, 3, TimeSpan.Zero));
        return new TheoryData<string, string, string>
        {
            { "xxe", Fixture.Read("onvif-xxe.xml"), "DTD is prohibited" },
            { "billion laughs", Fixture.Read("onvif-billion-laughs.xml"), "DTD is prohibited" },
            { "fault", Fixture.Read("onvif-fault-NotAuthorized.xml"), "SOAP fault env:Sender/ter:NotAuthorized: Sender not Authorized" },
            { "not xml", "this is { not xml", "not acceptable XML" },
            { "truncated", good[..(good.Length / 2)], "not acceptable XML" },
            { "oversized", "<a>" + new string('x', 70_000) + "</a>", "exceeds the 65536 limit" },
            { "soap 1.1 envelope", "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>", "not a SOAP 1.2 envelope" },
            { "wrong operation", "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><x/></s:Body></s:Envelope>", "no tds:GetSystemDateAndTimeResponse" },
            { "no utc", good.Replace("UTCDateTime", "Other", StringComparison.Ordinal), "no tt:UTCDateTime" },
            { "hour 25", good.Replace("<tt:Hour>1</tt:Hour>", "<tt:Hour>25</tt:Hour>", StringComparison.Ordinal), "Hour '25' is not a number in 0..23" },
            { "negative year", good.Replace("<tt:Year>2026</tt:Year>", "<tt:Year>-5</tt:Year>", StringComparison.Ordinal), "Year '-5'" },
            { "february 30", good.Replace("<tt:Month>1</tt:Month>", "<tt:Month>2</tt:Month>", StringComparison.Ordinal).Replace("<tt:Day>31</tt:Day>", "<tt:Day>30</tt:Day>", StringComparison.Ordinal), "2026-2-30 does not exist" },
            { "missing minute", good.Replace("<tt:Minute>2</tt:Minute>", string.Empty, StringComparison.Ordinal), "lacks Minute" },
        };
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_responses_give_clear_errors(string name, string xml, string expected)
    {
        var parsed = OnvifDateTimeSoap.ParseResponse(xml);
        Assert.False(parsed.IsOk, name);
        Assert.Contains(expected, parsed.Failure!.Message, StringComparison.Ordinal);
    }
}
