using System.Text;

namespace Appliance.Tools.Appliancectl.Http;

/// <summary>
/// Text answers (Markdown, CSV, nftables rulesets) of the API. <see cref="ApiClient"/> parses JSON; this reads
/// a body as text through its streaming call, which applies the same authentication, trust and error handling.
/// </summary>
public static class ApiText
{
    /// <summary>Largest text body accepted.</summary>
    public const int MaxChars = 8 * 1024 * 1024;

    public static async Task<string> GetTextAsync(this ApiClient api, string path, CancellationToken ct, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(100));
        try
        {
            using var response = await api.OpenStreamAsync(path, deadline.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = new StringBuilder();
            var buffer = new char[16 * 1024];
            int read;
            while ((read = await reader.ReadAsync(buffer, deadline.Token)) > 0)
            {
                if (text.Length + read > MaxChars)
                    throw new ApiException($"GET {path}: the answer is larger than {MaxChars / 1024 / 1024} MiB");
                text.Append(buffer, 0, read);
            }
            return text.ToString();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ApiException($"GET {path}: the appliance did not finish answering within {(timeout ?? TimeSpan.FromSeconds(100)).TotalSeconds:0} s");
        }
    }
}
