using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Media;

namespace Appliance.Plugins.Onvif.Protocol.Client;

/// <summary>A media profile offered to choose from, with the RTSP URI its GetStreamUri answered (null when that failed).</summary>
public sealed record OfferedProfile(MediaProfile Profile, Uri? StreamUri);

/// <summary>
/// Every media profile of a device, for an operator to choose the one a camera streams from: clock, service
/// addresses, GetProfiles (Media2 when offered, Media ver10 when Media2 fails for a reason other than transport or
/// authentication), then GetStreamUri of each profile. Failure codes are <see cref="Codes"/>, each with its reason.
/// </summary>
public static class ProfileCatalog
{
    /// <summary>Why the profiles could not be listed.</summary>
    public static class Codes
    {
        public const string Auth = "auth";
        public const string Unreachable = "unreachable";
        public const string NotOnvif = "not-onvif";
        public const string Malformed = "malformed";
    }

    public static async Task<Result<IReadOnlyList<OfferedProfile>>> ListAsync(OnvifClient client, CancellationToken cancellationToken = default)
    {
        var clock = await client.SynchronizeClockAsync(cancellationToken).ConfigureAwait(false);
        if (!clock.IsOk) return Classify(clock.Failure!);
        var services = await client.GetServiceAddressesAsync(cancellationToken).ConfigureAwait(false);
        if (!services.TryGetValue(out var addresses, out var servicesFailure)) return Classify(servicesFailure);
        var listed = await ProfilesAsync(client, addresses, cancellationToken).ConfigureAwait(false);
        if (!listed.TryGetValue(out var found, out var profilesFailure)) return Classify(profilesFailure);
        var offered = new List<OfferedProfile>(found.Profiles.Count);
        foreach (var profile in found.Profiles)
        {
            var uri = await found.StreamUri(profile.Token).ConfigureAwait(false);
            if (!uri.IsOk && uri.Failure!.Code is ErrorKind.NotAuthorized or ErrorKind.Transport) return Classify(uri.Failure);
            offered.Add(new OfferedProfile(profile, uri.IsOk && uri.Value.Scheme is "rtsp" or "rtsps" ? uri.Value : null));
        }
        return offered;
    }

    private sealed record Listing(IReadOnlyList<MediaProfile> Profiles, Func<string, Task<Result<Uri>>> StreamUri);

    private static async Task<Result<Listing>> ProfilesAsync(OnvifClient client, Device.ServiceAddresses services, CancellationToken ct)
    {
        Failure? media2Failure = null;
        if (services.Media2 is { } media2)
        {
            var viaMedia2 = await client.GetProfiles2Async(media2, ct).ConfigureAwait(false);
            if (viaMedia2.IsOk) return new Listing(viaMedia2.Value, token => client.GetStreamUri2Async(media2, token, ct));
            if (viaMedia2.Failure!.Code is ErrorKind.Transport or ErrorKind.NotAuthorized || services.Media is null) return viaMedia2.Failure;
            media2Failure = viaMedia2.Failure;
        }
        if (services.Media is not { } media)
            return media2Failure ?? new Failure(ErrorKind.UnexpectedMessage, "the device offers neither a Media nor a Media2 service");
        var viaMedia = await client.GetProfilesAsync(media, ct).ConfigureAwait(false);
        return viaMedia.IsOk ? new Listing(viaMedia.Value, token => client.GetStreamUriAsync(media, token, ct)) : viaMedia.Failure!;
    }

    /// <summary>The protocol library's failure as one of <see cref="Codes"/>; the message keeps what went wrong.</summary>
    public static Failure Classify(Failure failure) => failure.Code switch
    {
        ErrorKind.NotAuthorized => new Failure(Codes.Auth, failure.Message),
        ErrorKind.Transport when AnsweredHttp(failure.Message) => new Failure(Codes.NotOnvif, failure.Message),
        ErrorKind.Transport => new Failure(Codes.Unreachable, failure.Message),
        ErrorKind.MalformedXml or ErrorKind.HostileXml or ErrorKind.TooLarge => new Failure(Codes.Malformed, failure.Message),
        _ => new Failure(Codes.NotOnvif, failure.Message),
    };

    // SoapHttpClient words a peer that answered with an HTTP error status "HTTP <status> ...", a connection failure otherwise.
    private static bool AnsweredHttp(string message) => message.Length > 5 && message.StartsWith("HTTP ", StringComparison.Ordinal) && char.IsAsciiDigit(message[5]);
}
