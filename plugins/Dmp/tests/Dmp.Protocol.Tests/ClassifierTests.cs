using System.Text;
using Appliance.Plugins.Dmp.Protocol;

namespace Appliance.Plugins.Dmp.Tests;

public sealed class ClassifierTests
{
    private static DmpEvent Classify(string text) => DmpEventClassifier.Classify(DmpMessageParser.Parse(Encoding.ASCII.GetBytes(text)).Value);

    [Fact]
    public void An_alarm_names_its_zone_area_and_type()
    {
        var e = Classify(SerialThreeFrames.Alarm());
        Assert.Equal((DmpEventKind.Alarm, "alarm", "Za", "BU", "Burglary", 5, "FRONT DOOR", 1, "MAIN"),
            (e.Kind, e.State, e.Code, e.Type, e.TypeName, e.Zone, e.ZoneName, e.Area, e.AreaName));
    }

    [Fact]
    public void Arming_and_disarming_name_the_area_and_user()
    {
        var armed = Classify(SerialThreeFrames.Armed());
        var disarmed = Classify(SerialThreeFrames.Disarmed());
        Assert.Equal((DmpEventKind.Arming, "armed", 2, "WAREHOUSE", 7, "JOHN"), (armed.Kind, armed.State, armed.Area, armed.AreaName, armed.User, armed.UserName));
        Assert.Equal((DmpEventKind.Arming, "disarmed"), (disarmed.Kind, disarmed.State));
    }

    [Fact]
    public void Zone_troubles_door_states_and_system_messages_are_classified()
    {
        var trouble = Classify(SerialThreeFrames.ZoneTrouble());
        var door = Classify(SerialThreeFrames.DoorOpen());
        var ac = Classify(SerialThreeFrames.AcFailure());
        Assert.Equal((DmpEventKind.Trouble, "trouble", 9), (trouble.Kind, trouble.State, trouble.Zone));
        Assert.Equal((DmpEventKind.Zone, "open", 6), (door.Kind, door.State, door.Zone));
        Assert.Equal((DmpEventKind.Trouble, "system", "008", "AC Power Failure", false), (ac.Kind, ac.State, ac.Type, ac.TypeName, ac.Restoral));
        Assert.True(Classify($"{SerialThreeFrames.Header}123450000000Zs\\t 000\\").Restoral);
        Assert.Equal(DmpEventKind.Test, Classify($"{SerialThreeFrames.Header}123450000000Zs\\t 007\\").Kind);
    }

    [Fact]
    public void Unknown_definitions_are_kept_as_other_not_refused()
    {
        var e = Classify($"{SerialThreeFrames.Header}123450000000Zv\\z 001\\");
        Assert.Equal((DmpEventKind.Other, "Zv"), (e.Kind, e.Code));
    }
}
