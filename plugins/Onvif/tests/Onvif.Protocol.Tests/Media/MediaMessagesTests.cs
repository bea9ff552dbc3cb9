using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Media;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Media;

public class MediaMessagesTests
{
    [Fact]
    public void MediaProfilesWithEncoderResolutionAndPtz()
    {
        var profiles = MediaMessages.ParseProfiles(FixtureMessages.Body("GetProfilesResponse.media")).Value;
        Assert.Equal(2, profiles.Count);
        Assert.Equal(new MediaProfile("profile_main", "MainStream", "H264", 1920, 1080, true, false, 25), profiles[0]);
        Assert.Equal(new MediaProfile("profile_sub", "SubStream", "H264", 640, 360, false, false, 15), profiles[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    public void A_frame_rate_limit_that_is_not_a_positive_number_is_no_rate(string limit)
    {
        var media = FixtureMessages.Body("GetProfilesResponse.media");
        foreach (var element in media.Descendants(Ns.Tt + "FrameRateLimit")) element.Value = limit;
        var media2 = FixtureMessages.Body("GetProfilesResponse.media2");
        foreach (var element in media2.Descendants(Ns.Tt + "FrameRateLimit")) element.Value = limit;

        Assert.All(MediaMessages.ParseProfiles(media).Value, p => Assert.Null(p.Fps));
        Assert.All(Media2Messages.ParseProfiles(media2).Value, p => Assert.Null(p.Fps));
    }

    [Fact]
    public void Media2_profiles_carry_their_frame_rate_limit()
    {
        var profiles = Media2Messages.ParseProfiles(FixtureMessages.Body("GetProfilesResponse.media2")).Value;
        Assert.Equal([25.0, 15.0], profiles.Select(p => p.Fps!.Value));
    }

    [Fact]
    public void Media2ProfilesIncludeH265()
    {
        var profiles = Media2Messages.ParseProfiles(FixtureMessages.Body("GetProfilesResponse.media2")).Value;
        Assert.Equal("H265", profiles[1].Encoding);
        Assert.True(profiles[0].HasPtz);
        Assert.True(profiles[0].IsMedia2);
    }

    [Fact]
    public void StreamAndSnapshotUris()
    {
        Assert.Equal("rtsp://192.0.2.10:554/Streaming/Channels/101",
            MediaMessages.ParseMediaUri(FixtureMessages.Body("GetStreamUriResponse.media"), "GetStreamUriResponse").Value.ToString());
        Assert.Equal("rtsp://192.0.2.10:554/Streaming/Channels/101",
            Media2Messages.ParseUri(FixtureMessages.Body("GetStreamUriResponse.media2"), "GetStreamUriResponse").Value.ToString());
        Assert.Equal("http://192.0.2.10:8080/snapshot/profile_main.jpg",
            MediaMessages.ParseMediaUri(FixtureMessages.Body("GetSnapshotUriResponse.media"), "GetSnapshotUriResponse").Value.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a uri")]
    [InlineData("/relative/path")]
    public void BadStreamUrisAreClearErrors(string uri)
    {
        var body = FixtureMessages.Body("GetStreamUriResponse.media");
        body.Descendants(Ns.Tt + "Uri").Single().Value = uri;
        var error = MediaMessages.ParseMediaUri(body, "GetStreamUriResponse").Failure!;
        Assert.Equal(ErrorKind.UnexpectedMessage, error.Code);
    }

    [Fact]
    public void GetStreamUriRequestAsksForRtpUnicastOverRtsp()
    {
        var request = MediaMessages.GetStreamUri("p1");
        Assert.Equal("RTP-Unicast", request.Descendants(Ns.Tt + "Stream").Single().Value);
        Assert.Equal("RTSP", request.Descendants(Ns.Tt + "Protocol").Single().Value);
        Assert.Equal("RtspUnicast", Media2Messages.GetStreamUri("p1").Element(Ns.Tr2 + "Protocol")!.Value);
    }

    [Fact]
    public void ProfileSelectionByTokenNameOrFirst()
    {
        var profiles = MediaMessages.ParseProfiles(FixtureMessages.Body("GetProfilesResponse.media")).Value;
        Assert.Equal("profile_main", ProfileSelection.Select(profiles, null).Value.Token);
        Assert.Equal("profile_sub", ProfileSelection.Select(profiles, "PROFILE_SUB").Value.Token);
        Assert.Equal("profile_sub", ProfileSelection.Select(profiles, "substream").Value.Token);
        var missing = ProfileSelection.Select(profiles, "third").Failure!;
        Assert.Contains("\"third\" not found", missing.Message);
        Assert.Contains("profile_main (MainStream)", missing.Message);
        Assert.Contains("no media profile", ProfileSelection.Select([], null).Failure!.Message);
    }

    [Fact]
    public void TheSubProfileIsTheFirstOtherThanTheMainOne()
    {
        var profiles = MediaMessages.ParseProfiles(FixtureMessages.Body("GetProfilesResponse.media")).Value;
        Assert.Equal("profile_sub", ProfileSelection.SelectSub(profiles, null).Value.Token);
        Assert.Equal("profile_main", ProfileSelection.SelectSub(profiles, "SubStream").Value.Token);
        Assert.Equal(ErrorKind.NoSubProfile, ProfileSelection.SelectSub([profiles[0]], null).Failure!.Code);
        Assert.Contains("\"third\" not found", ProfileSelection.SelectSub(profiles, "third").Failure!.Message);
        Assert.Contains("no media profile", ProfileSelection.SelectSub([], null).Failure!.Message);
    }

    [Fact]
    public void RtspPortOverrideKeepsCredentialsPathAndQuery()
    {
        var uri = new Uri("rtsp://user:pw@192.0.2.10:554/Streaming/Channels/101?transportmode=unicast");
        Assert.Equal("rtsp://user:pw@192.0.2.10:10554/Streaming/Channels/101?transportmode=unicast", PortOverrides.ApplyRtspPort(uri, 10554).ToString());
        Assert.Same(uri, PortOverrides.ApplyRtspPort(uri, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => PortOverrides.ApplyRtspPort(uri, 70000));
    }
}
