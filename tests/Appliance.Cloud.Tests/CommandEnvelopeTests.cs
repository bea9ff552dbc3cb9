using System.Text;
using Appliance.CloudLink;

namespace Appliance.Cloud.Tests;

/// <summary>The command envelope is external input from the network: every bad shape is a failure with a stable code.</summary>
public sealed class CommandEnvelopeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static Appliance.Abstractions.Result<CloudCommand> Parse(string json, int max = 1024) =>
        CommandEnvelope.Parse(Encoding.UTF8.GetBytes(json), "dev-1", Now, max);

    [Fact]
    public void A_well_formed_command_is_read_with_its_arguments_and_expiry()
    {
        var command = Parse("""{"requestId":"r-1","command":"plugin.restart","args":{"id":"rtsp"},"expiresAt":"2026-12-03T12:05:00Z","deviceId":"dev-1"}""").Value;
        Assert.Equal(("r-1", "plugin.restart", "rtsp"), (command.RequestId, command.Name, command.Args.GetProperty("id").GetString()));
        Assert.Equal(Now.AddMinutes(5), command.ExpiresAt);
    }

    [Theory]
    [InlineData("", "malformed")]
    [InlineData("{", "malformed")]
    [InlineData("""{"requestId":"r-1","command":"status" """, "malformed")]
    [InlineData("[1,2]", "malformed")]
    [InlineData("\"status\"", "malformed")]
    [InlineData("""{"command":"status"}""", "malformed")]
    [InlineData("""{"requestId":"","command":"status"}""", "malformed")]
    [InlineData("""{"requestId":"r 1","command":"status"}""", "malformed")]
    [InlineData("""{"requestId":7,"command":"status"}""", "malformed")]
    [InlineData("""{"requestId":"r-1"}""", "malformed")]
    [InlineData("""{"requestId":"r-1","command":"Status; rm -rf /"}""", "malformed")]
    [InlineData("""{"requestId":"r-1","command":"status","args":[1]}""", "malformed")]
    [InlineData("""{"requestId":"r-1","command":"status","expiresAt":"tomorrow"}""", "malformed")]
    [InlineData("""{"requestId":"r-1","command":"status","expiresAt":"2026-12-03T11:59:59Z"}""", "expired")]
    [InlineData("""{"requestId":"r-1","command":"status","deviceId":"dev-2"}""", "wrong-device")]
    [InlineData("""{"requestId":"r-1","command":"status","deviceId":5}""", "malformed")]
    public void A_bad_envelope_is_refused_with_its_code(string json, string code)
    {
        var result = Parse(json);
        Assert.False(result.IsOk);
        Assert.Equal(code, result.Failure!.Code);
    }

    [Fact]
    public void An_oversized_command_is_refused_unread()
    {
        var big = """{"requestId":"r-1","command":"status","args":{"x":" """ + new string('a', 2000) + "\"}}";
        var result = Parse(big, max: 1024);
        Assert.Equal("too-large", result.Failure!.Code);
        Assert.Null(CommandEnvelope.RequestIdOf(Encoding.UTF8.GetBytes(big), 1024));
    }

    [Fact]
    public void Deeply_nested_arguments_are_refused_not_a_stack_overflow()
    {
        var json = """{"requestId":"r-1","command":"status","args":""" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200) + "}";
        Assert.Equal("malformed", Parse(json, max: 10_000).Failure!.Code);
    }

    [Fact]
    public void The_request_id_of_a_refused_command_is_still_named_in_its_answer()
    {
        var payload = Encoding.UTF8.GetBytes("""{"requestId":"r-9","command":"status","expiresAt":"2020-01-01T00:00:00Z"}""");
        Assert.Equal("r-9", CommandEnvelope.RequestIdOf(payload, 1024));
        Assert.Null(CommandEnvelope.RequestIdOf("not json"u8, 1024));
    }

    [Fact]
    public void Every_truncation_of_a_valid_command_is_a_clear_failure()
    {
        var json = Encoding.UTF8.GetBytes("""{"requestId":"r-1","command":"plugin.restart","args":{"id":"rtsp"}}""");
        for (var length = 0; length < json.Length; length++)
        {
            var result = CommandEnvelope.Parse(json.AsSpan(0, length), "dev-1", Now, 1024);
            Assert.False(result.IsOk, $"a {length}-byte prefix was accepted");
            Assert.Equal("malformed", result.Failure!.Code);
        }
    }
}
