namespace Appliance.Host.Plugins;

/// <summary>
/// Starts every enabled plugin when the host starts (awaited: failures are quarantined and reported,
/// never hidden), watches the plugins folder for folders replaced on disk, and stops all plugins at shutdown.
/// </summary>
public sealed class PluginHostService(PluginManager manager, PluginFolders folders, Microsoft.Extensions.Options.IOptions<Configuration.ApplianceOptions> options, ILogger<PluginHostService> log)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await manager.StartAllAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Plugins.WatchDirectory) return;
        var changes = System.Threading.Channels.Channel.CreateBounded<string>(new System.Threading.Channels.BoundedChannelOptions(1)
        {
            FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite,
        });
        using var watcher = new FileSystemWatcher(folders.Installed)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        FileSystemEventHandler onChange = (_, e) => changes.Writer.TryWrite(e.FullPath);
        RenamedEventHandler onRename = (_, e) => changes.Writer.TryWrite(e.FullPath);
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Deleted += onChange;
        watcher.Renamed += onRename;
        watcher.EnableRaisingEvents = true;
        try
        {
            while (await changes.Reader.WaitToReadAsync(stoppingToken))
            {
                // Debounce: a folder being copied raises many events; act once it has been quiet a moment.
                do
                {
                    while (changes.Reader.TryRead(out _)) { }
                    await Task.Delay(TimeSpan.FromMilliseconds(700), stoppingToken);
                }
                while (changes.Reader.TryRead(out _));
                try
                {
                    await manager.ReconcileAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Reconciling the plugins folder failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await manager.DisposeAsync();
    }
}
