using Appliance.Abstractions;

namespace Appliance.PluginRepository;

/// <summary>
/// The repository keys the appliance trusts: every <c>*.pub</c> file of a folder of the image
/// (<c>/etc/appliance/trust/plugins</c>). A file that is not a key is reported and skipped, never trusted.
/// </summary>
public static class TrustRoots
{
    public static (IReadOnlyList<TrustedKey> Keys, IReadOnlyList<Failure> Problems) Load(string folder)
    {
        var keys = new List<TrustedKey>();
        var problems = new List<Failure>();
        if (!Directory.Exists(folder)) return (keys, [new Failure("not-found", $"trust folder {folder} does not exist")]);
        foreach (var file in Directory.EnumerateFiles(folder, "*.pub").Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                if (new FileInfo(file).Length > 4096)
                {
                    problems.Add(new Failure("malformed", $"{file}: too large for a key"));
                    continue;
                }
                text = File.ReadAllText(file);
            }
            catch (IOException ex)
            {
                problems.Add(new Failure("unreadable", $"{file}: {ex.Message}"));
                continue;
            }
            catch (UnauthorizedAccessException ex)
            {
                problems.Add(new Failure("unreadable", $"{file}: {ex.Message}"));
                continue;
            }
            var key = RepositoryKeys.ReadPublic(text);
            if (key.IsOk) keys.Add(new TrustedKey(Path.GetFileNameWithoutExtension(file), key.Value));
            else problems.Add(new Failure(key.Failure!.Code, $"{file}: {key.Failure.Message}"));
        }
        return (keys, problems);
    }
}
