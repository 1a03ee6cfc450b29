using System.Diagnostics;
using System.Globalization;
using System.Net;
using StateSave.Comparison.Measuring;
using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hosts;
using StateSave.StorageSystem.Collection;
using StateSave.StorageSystem.Packages;
using StateSave.StorageSystem.Systems;

namespace StateSave.Comparison.Workloads;

/// <summary>
/// One in-band state-save collection, as the state-save demo assembles it: an emulated storage system with two
/// controllers on loopback, <c>hosts</c> emulated hosts (every one proposing the in-band key, alternating between the
/// controllers), each running verifying I/O in its own region and holding <c>stateBytes</c> of application state. A
/// drive fails; the time from the failure to the package written is measured. Every host must come back Complete,
/// the package must verify, and the host I/O must see no error.
/// </summary>
internal static class CollectionRun
{
    private const ulong RegionBlocks = 4096;

    public static async Task<Sample> MeasureAsync(string cell, int round, int hostCount, long stateBytes, IPEndPoint controllerA,
        IPEndPoint controllerB, string packageDirectory, CancellationToken cancellationToken)
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Controllers = [new ControllerDefinition("A", [controllerA]), new ControllerDefinition("B", [controllerB])],
            LogicalUnits = [new LogicalUnitDefinition(0, hostCount * (long)RegionBlocks * 512)],
            Collection = new StateSaveCollectorOptions { OutputDirectory = packageDirectory, Deadline = TimeSpan.FromSeconds(120) },
        });
        await storage.StartAsync(cancellationToken).ConfigureAwait(false);

        var hosts = new List<EmulatedHost>();
        try
        {
            for (int h = 0; h < hostCount; h++)
            {
                hosts.Add(BuildHost(h, storage, h % 2 == 0 ? storage.Portals[0].EndPoint : storage.Portals[1].EndPoint, stateBytes));
            }

            await Task.WhenAll(hosts.Select(h => h.StartAsync(cancellationToken))).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false); // host I/O under way

            long started = Stopwatch.GetTimestamp();
            CollectionResult result = await storage.FailDriveAsync(3, "unrecoverable media errors on the drive", cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

            await Task.WhenAll(hosts.Select(h => h.StopAsync())).ConfigureAwait(false);
            var problems = new List<string>();
            PackageManifest manifest = result.Manifest;
            foreach (PackageHost host in manifest.Hosts.Where(h => h.Outcome != HostOutcome.Complete))
            {
                problems.Add($"{host.InitiatorName} {host.Outcome}{(host.Reason is null ? "" : ": " + host.Reason)}");
            }

            if (manifest.Hosts.Count != hostCount)
            {
                problems.Add($"{manifest.Hosts.Count} of {hostCount} hosts in the package");
            }

            foreach (EmulatedHost host in hosts)
            {
                WorkloadStatistics io = ((VerifyingWorkload)host.Applications[0]).Statistics;
                if (io.Errors > 0 || io.VerificationFailures > 0)
                {
                    problems.Add($"{host.Name} I/O: {io.Errors} errors, {io.VerificationFailures} bad blocks");
                }
            }

            StateSavePackage package = await StateSavePackageReader.OpenAsync(result.PackagePath, cancellationToken).ConfigureAwait(false);
            if (!package.IsValid)
            {
                problems.Add("package invalid: " + string.Join("; ", package.Problems));
            }

            long bytes = manifest.Hosts.Sum(h => h.Entries.Sum(e => e.Bytes)) + manifest.Controller.Entries.Sum(e => e.Bytes);
            var sample = new Sample(cell, round) { Seconds = elapsed.TotalSeconds, CollectedBytes = bytes, Note = Phases(manifest, elapsed) };
            return problems.Count == 0
                ? sample
                : sample with { Error = $"{problems.Count} problem(s): {string.Join("; ", problems.Take(3))}{(problems.Count > 3 ? " ..." : "")}" };
        }
        finally
        {
            foreach (EmulatedHost host in hosts)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            if (Directory.Exists(packageDirectory))
            {
                Directory.Delete(packageDirectory, recursive: true);
            }
        }
    }

    /// <summary>Where the time went, from the package's own time line: controller state, freezing, pulling, packaging.</summary>
    private static string Phases(PackageManifest manifest, TimeSpan elapsed)
    {
        IReadOnlyList<TimelineEvent> events = manifest.Timeline;
        DateTimeOffset At(string what, bool last = false)
        {
            TimelineEvent[] matching = [.. events.Where(e => e.Event.StartsWith(what, StringComparison.Ordinal))];
            return matching.Length == 0 ? events[^1].Time : last ? matching.Max(e => e.Time) : matching.Min(e => e.Time);
        }

        DateTimeOffset failure = events[0].Time;
        DateTimeOffset controller = At("controller state saved");
        DateTimeOffset frozen = At("host snapshot frozen", last: true);
        DateTimeOffset complete = At("host Complete", last: true);
        DateTimeOffset written = At("package written");
        return string.Create(CultureInfo.InvariantCulture,
            $"controller {(controller - failure).TotalMilliseconds:F0} ms, hosts frozen +{(frozen - controller).TotalMilliseconds:F0} ms, pulled +{(complete - frozen).TotalMilliseconds:F0} ms, manifest +{(written - complete).TotalMilliseconds:F0} ms, archive (tar.gz) +{(elapsed - (written - failure)).TotalMilliseconds:F0} ms");
    }

    private static EmulatedHost BuildHost(int index, EmulatedStorageSystem storage, EndPoint portal, long stateBytes)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"host{index}");
        return new HostBuilder(name)
            .WithFailover(new FailoverOptions { ProbeInterval = TimeSpan.FromSeconds(1), NoPathTimeout = TimeSpan.FromSeconds(60) })
            .AddPort("port0", $"iqn.2026-11.io.statesave:comparison-{name}", port => port with { InBandStateSave = true })
            .ConnectTo("port0", portal, storage.TargetName)
            .AddVerifyingWorkload(new VerifyingWorkloadOptions
            {
                Name = $"{name}-io", WorkloadId = (uint)(index + 1), RegionStart = (ulong)index * RegionBlocks, RegionBlocks = RegionBlocks,
                ReadPercent = 50, QueueDepth = 4,
            })
            .AddApplication(_ => new StateApplication($"{name}-state", stateBytes))
            .Build();
    }
}
