using Appliance.Abstractions;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Events;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Events;

public class EventMessagesTests
{
    private static string Notification(string topic, string source, string data, string operation = "Changed") =>
        Fixtures.Fill("NotificationMessage", new Dictionary<string, string> { ["Topic"] = topic, ["Now"] = "2024-02-29T23:59:58Z", ["Operation"] = operation },
            new Dictionary<string, string> { ["Source"] = source, ["Data"] = data });

    private static PullMessagesResult Pull(params string[] notifications) =>
        EventMessages.ParsePullMessages(FixtureMessages.Body("PullMessagesResponse", new Dictionary<string, string> { ["Messages"] = string.Concat(notifications) })).Value;

    [Fact]
    public void SubscriptionReferenceFromTheSpecFixture()
    {
        var subscription = EventMessages.ParseCreatePullPointSubscription(FixtureMessages.Body("CreatePullPointSubscriptionResponse")).Value;
        Assert.Equal("http://192.0.2.10:8080/onvif/subscription/7", subscription.Address.ToString());
        Assert.Equal(TimeSpan.FromSeconds(60), subscription.TerminationTime - subscription.CurrentTime);
    }

    [Fact]
    public void SubscriptionWithoutAddressIsAnError()
    {
        var body = FixtureMessages.Body("CreatePullPointSubscriptionResponse");
        body.Descendants(Ns.Wsa + "Address").Remove();
        Assert.Contains("SubscriptionReference/Address", EventMessages.ParseCreatePullPointSubscription(body).Failure!.Message);
    }

    [Fact]
    public void ReferenceParametersAreEchoedAsHeaders()
    {
        var body = FixtureMessages.Body("CreatePullPointSubscriptionResponse");
        body.Element(Ns.Tev + "SubscriptionReference")!.Add(new System.Xml.Linq.XElement(Ns.Wsa + "ReferenceParameters",
            new System.Xml.Linq.XElement((System.Xml.Linq.XNamespace)"urn:vendor" + "SubscriptionId", "42")));
        var subscription = EventMessages.ParseCreatePullPointSubscription(body).Value;
        var headers = EventMessages.AddressingHeaders(EventMessages.PullMessagesAction, subscription).ToList();
        Assert.Equal(EventMessages.PullMessagesAction, headers[0].Value);
        Assert.Equal(subscription.Address.AbsoluteUri, headers[1].Value);
        Assert.Equal("42", headers[2].Value);
        Assert.Equal("true", headers[2].Attribute(Ns.Wsa + "IsReferenceParameter")!.Value);
    }

    [Fact]
    public void PullMessagesReadsTopicsAndItems()
    {
        var result = Pull(
            Notification("tns1:RuleEngine/CellMotionDetector/Motion",
                "<tt:SimpleItem Name=\"VideoSourceConfigurationToken\" Value=\"vsc_1\"/><tt:SimpleItem Name=\"Rule\" Value=\"MyMotionDetectorRule\"/>",
                "<tt:SimpleItem Name=\"IsMotion\" Value=\"true\"/>"),
            Notification("tns1:Device/Trigger/DigitalInput", "<tt:SimpleItem Name=\"InputToken\" Value=\"DI_1\"/>", "<tt:SimpleItem Name=\"LogicalState\" Value=\"false\"/>", "Initialized"));
        Assert.Empty(result.Problems);
        Assert.Equal(2, result.Messages.Count);
        var motion = result.Messages[0];
        Assert.Equal("tns1:RuleEngine/CellMotionDetector/Motion", motion.Topic);
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.Zero), motion.UtcTime);
        Assert.Equal([new SimpleItem("VideoSourceConfigurationToken", "vsc_1"), new SimpleItem("Rule", "MyMotionDetectorRule")], motion.Source);
        Assert.Equal("Initialized", result.Messages[1].PropertyOperation);
    }

    [Fact]
    public void OtherPrefixForTheOnvifTopicNamespaceIsNormalised()
    {
        var body = FixtureMessages.Parse("""
            <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>
            <tev:PullMessagesResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tt="http://www.onvif.org/ver10/schema">
              <wsnt:NotificationMessage><wsnt:Topic xmlns:ns0="http://www.onvif.org/ver10/topics" xmlns:acme="urn:acme">ns0:VideoSource/acme:Special</wsnt:Topic>
                <wsnt:Message><tt:Message UtcTime="2024-01-01T00:00:00Z"><tt:Data><tt:SimpleItem Name="State" Value="1"/></tt:Data></tt:Message></wsnt:Message>
              </wsnt:NotificationMessage>
            </tev:PullMessagesResponse></s:Body></s:Envelope>
            """);
        Assert.Equal("tns1:VideoSource/acme:Special", EventMessages.ParsePullMessages(body).Value.Messages.Single().Topic);
    }

    [Fact]
    public void BrokenNotificationsAreProblemsAndTheRestSurvive()
    {
        var noTopic = Notification("", "", "");
        var badTime = Notification("tns1:VideoSource/MotionAlarm", "", "<tt:SimpleItem Name=\"State\" Value=\"true\"/>").Replace("2024-02-29T23:59:58Z", "yesterday");
        var good = Notification("tns1:VideoSource/MotionAlarm", "<tt:SimpleItem Name=\"Source\" Value=\"vs_1\"/>", "<tt:SimpleItem Name=\"State\" Value=\"true\"/>");
        var result = Pull(noTopic, badTime, good);
        Assert.Single(result.Messages);
        Assert.Equal(2, result.Problems.Count);
        Assert.Contains("without a Topic", result.Problems[0].Message);
        Assert.Contains("not an xs:dateTime", result.Problems[1].Message);
    }

    [Fact]
    public void TooManyNotificationsAreCapped()
    {
        const string one = "<wsnt:NotificationMessage><wsnt:Topic>tns1:VideoSource/MotionAlarm</wsnt:Topic><wsnt:Message><tt:Message><tt:Data><tt:SimpleItem Name=\"State\" Value=\"true\"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>";
        var result = Pull(Enumerable.Repeat(one, EventMessages.MaxMessagesPerResponse + 5).ToArray());
        Assert.Equal(EventMessages.MaxMessagesPerResponse, result.Messages.Count);
        Assert.Equal(ErrorKind.TooLarge, result.Problems.Single().Code);
    }

    [Fact]
    public void RenewAndUnsubscribeResponses()
    {
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 58, TimeSpan.Zero), EventMessages.ParseRenew(FixtureMessages.Body("RenewResponse")).Value);
        Assert.True(EventMessages.ParseUnsubscribe(FixtureMessages.Body("UnsubscribeResponse")).Value);
        Assert.False(EventMessages.ParseUnsubscribe(FixtureMessages.Body("RenewResponse")).IsOk);
    }

    [Fact]
    public void RequestsUseDurations()
    {
        Assert.Equal("PT1M", EventMessages.CreatePullPointSubscription(TimeSpan.FromSeconds(60)).Element(Ns.Tev + "InitialTerminationTime")!.Value);
        Assert.Equal("PT5S", EventMessages.PullMessages(TimeSpan.FromSeconds(5), 10).Element(Ns.Tev + "Timeout")!.Value);
        Assert.Equal("10", EventMessages.PullMessages(TimeSpan.FromSeconds(5), 10).Element(Ns.Tev + "MessageLimit")!.Value);
    }
}
