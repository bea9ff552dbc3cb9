using Appliance.Abstractions;
using Appliance.Core.Network;
using CoreFirewall = Appliance.Core.Network.Firewall;

namespace Appliance.Firewall;

/// <summary>
/// Applies a compiled ruleset (from <c>Firewall.compile</c>) atomically: <c>nft -c -f</c>, then <c>nft -f</c>,
/// keeping the previous <c>inet appliance</c> table to restore when the confirmation does not succeed in time.
/// One apply at a time per instance. Never throws for nft problems: they come back as <see cref="ApplyResult"/>.
/// </summary>
public sealed class NftablesApplier
{
    /// <summary>The failure code of an nft command that ran and refused (exit code not 0).</summary>
    public const string NftFailed = "nft-failed";

    private readonly NftRunner _nft;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates an applier; <paramref name="options"/> names the nft binary and optional namespace.</summary>
    public NftablesApplier(NftOptions options) => _nft = new NftRunner(options);

    /// <summary>How often the confirmation is retried within the timeout.</summary>
    public TimeSpan ConfirmInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Lists the appliance table (<c>nft list table inet appliance</c>): its text, or null when the table does not
    /// exist; a failure (<c>not-installed</c>, <c>not-started</c>, <c>nft-failed</c>) when nft could not list.
    /// </summary>
    public async Task<Result<string?>> ListTableAsync(CancellationToken ct)
    {
        var listed = await _nft.RunAsync(["list", "table", "inet", CoreFirewall.TableName], ct).ConfigureAwait(false);
        if (!listed.TryGetValue(out var run, out var failure)) return failure;
        if (run.Succeeded) return Result<string?>.Ok(run.StdOut);
        if (run.StdErr.Contains("No such file or directory", StringComparison.Ordinal)) return Result<string?>.Ok(null);
        return Result<string?>.Fail(NftFailed, $"{_nft.Where} could not list table inet {CoreFirewall.TableName}: {run.Diagnostic()}");
    }

    /// <summary>Checks a ruleset with <c>nft -c -f</c> without applying it; <c>nft-failed</c> when nft rejects it.</summary>
    public async Task<Result<bool>> CheckAsync(string ruleset, CancellationToken ct)
    {
        var checkedRun = await _nft.RunScriptAsync(ruleset, checkOnly: true, ct).ConfigureAwait(false);
        if (!checkedRun.TryGetValue(out var run, out var failure)) return failure;
        return run.Succeeded ? true : Result<bool>.Fail(NftFailed, $"{_nft.Where} rejected the ruleset: {run.Diagnostic()}");
    }

    /// <summary>
    /// Checks and applies <paramref name="ruleset"/>. When <paramref name="confirm"/> is given it is called (retried every
    /// <see cref="ConfirmInterval"/>) until it returns true or <paramref name="confirmTimeout"/> passes; if it never does,
    /// the previous table is restored. Cancelling <paramref name="ct"/> during confirmation also restores the previous table.
    /// </summary>
    /// <param name="ruleset">nft text that replaces the whole <c>inet appliance</c> table.</param>
    /// <param name="confirm">"Is the portal still reachable?"; null applies without confirmation.</param>
    /// <param name="confirmTimeout">How long the confirmation may take in total.</param>
    /// <param name="ct">Cancels the apply.</param>
    public async Task<ApplyResult> ApplyAsync(
        string ruleset,
        Func<CancellationToken, Task<bool>>? confirm,
        TimeSpan confirmTimeout,
        CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var listed = await ListTableAsync(ct).ConfigureAwait(false);
            if (!listed.TryGetValue(out var previous, out var notListed))
                return Rejected(notListed.Message);

            var check = await CheckAsync(ruleset, ct).ConfigureAwait(false);
            if (!check.IsOk)
                return Rejected(check.Failure!.Message);

            var loaded = await _nft.RunScriptAsync(ruleset, checkOnly: false, ct).ConfigureAwait(false);
            if (!loaded.TryGetValue(out var run, out var failure)) return Rejected(failure.Message);
            if (!run.Succeeded) return Rejected($"{_nft.Where} failed to load the ruleset: {run.Diagnostic()}");

            if (confirm is null)
                return new ApplyResult(ApplyStatus.Applied, "ruleset applied (no confirmation requested)");

            var (confirmed, why) = await ConfirmAsync(confirm, confirmTimeout, ct).ConfigureAwait(false);
            if (confirmed)
                return new ApplyResult(ApplyStatus.Applied, "ruleset applied and confirmed");

            var restore = await RestoreAsync(previous).ConfigureAwait(false);
            return restore.IsOk
                ? new ApplyResult(ApplyStatus.RolledBack, $"the new ruleset was not confirmed ({why}); the previous ruleset was restored")
                : new ApplyResult(ApplyStatus.RollbackFailed, $"the new ruleset was not confirmed ({why}) and restoring the previous ruleset failed: {restore.Failure!.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    private static ApplyResult Rejected(string why) =>
        new(ApplyStatus.Rejected, $"{why}; the previous ruleset stays in force");

    private async Task<(bool Confirmed, string Why)> ConfirmAsync(
        Func<CancellationToken, Task<bool>> confirm, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var last = "the confirmation never returned true";
        try
        {
            while (true)
            {
                try
                {
                    if (await confirm(deadline.Token).ConfigureAwait(false)) return (true, "");
                    last = "the confirmation returned false";
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    last = $"the confirmation failed: {ex.GetType().Name}: {ex.Message}";
                }
                await Task.Delay(ConfirmInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }
        var reason = ct.IsCancellationRequested ? "the apply was cancelled" : $"not confirmed within {timeout.TotalSeconds:0.#} s";
        return (false, $"{reason}; {last}");
    }

    /// <summary>Puts back the table listed before the apply (or removes the table if there was none).</summary>
    private async Task<Result<bool>> RestoreAsync(string? previous)
    {
        var script = $"table inet {CoreFirewall.TableName} {{}}\ndelete table inet {CoreFirewall.TableName}\n{previous ?? ""}\n";
        var restored = await _nft.RunScriptAsync(script, checkOnly: false, CancellationToken.None).ConfigureAwait(false);
        if (!restored.TryGetValue(out var run, out var failure)) return failure;
        return run.Succeeded ? true : Result<bool>.Fail(NftFailed, $"{_nft.Where}: {run.Diagnostic()}");
    }
}
