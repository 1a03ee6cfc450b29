using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hosts;
using StateSave.StateSaveDemo;
using StateSave.StorageSystem.Collection;
using StateSave.StorageSystem.Packages;
using StateSave.StorageSystem.Systems;

// The in-band state-save demo (specs/in-band-state-save.md): a storage system with two controllers and several hosts
// on loopback TCP, verifying I/O running on every host; a drive fails; the controller collects every host's state over
// its own iSCSI sessions and writes one package, which is then verified.
//   dotnet run -c Release --project samples/StateSave.StateSaveDemo -- [--hosts N] [--state-size BYTES] [--output DIR]
int hostCount = 4;
long stateBytes = 1 << 20;
string output = Path.Combine(Environment.CurrentDirectory, "statesave-packages");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--hosts" when i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out int wanted) && wanted >= 2:
            hostCount = wanted;
            break;
        case "--state-size" when i + 1 < args.Length && long.TryParse(args[++i], CultureInfo.InvariantCulture, out long size) && size is > 0 and <= 1L << 30:
            stateBytes = size;
            break;
        case "--output" when i + 1 < args.Length:
            output = Path.GetFullPath(args[++i]);
            break;
        default:
            Console.Error.WriteLine("usage: StateSaveDemo [--hosts N (>= 2)] [--state-size BYTES (<= 1 GiB)] [--output DIR]");
            return 2;
    }
}

using ILoggerFactory logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error));
var clock = Stopwatch.StartNew();
void Say(string text) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F2}s] {text}");

await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
{
    LogicalUnits = [new LogicalUnitDefinition(0, (long)hostCount * 4096 * 512)],
    Collection = new StateSaveCollectorOptions { OutputDirectory = output, Deadline = TimeSpan.FromSeconds(60) },
}, logging);
await storage.StartAsync();
EndPoint controllerA = storage.Portals[0].EndPoint;
EndPoint controllerB = storage.Portals[1].EndPoint;
Say($"storage system up: target {storage.TargetName}, controller A {controllerA}, controller B {controllerB}");

// Host 0 has two paths (one per controller); the last host is a stock host without the in-band key; the others
// alternate between the controllers. Every host runs a verifying workload in its own region and keeps a trace.
var hosts = new List<EmulatedHost>();
for (int h = 0; h < hostCount; h++)
{
    bool stock = h == hostCount - 1;
    string name = string.Create(CultureInfo.InvariantCulture, $"host{h}");
    EndPoint[] portals = h == 0 ? [controllerA, controllerB] : [h % 2 == 0 ? controllerA : controllerB];
    var builder = new HostBuilder(name)
        .WithLoggerFactory(logging)
        .WithFailover(new FailoverOptions { ProbeInterval = TimeSpan.FromSeconds(1), NoPathTimeout = TimeSpan.FromSeconds(60) });
    for (int p = 0; p < portals.Length; p++)
    {
        builder.AddPort($"port{p}", $"iqn.2026-11.io.statesave:demo-{name}", port => port with { InBandStateSave = !stock, IsidQualifier = (ushort)(p + 1) })
            .ConnectTo($"port{p}", portals[p], storage.TargetName);
    }

    builder.AddVerifyingWorkload(new VerifyingWorkloadOptions
    {
        Name = $"{name}-io", WorkloadId = (uint)(h + 1), RegionStart = (ulong)h * 4096, RegionBlocks = 4096, ReadPercent = 50, QueueDepth = 4,
    });
    builder.AddApplication(_ => new TraceApplication($"{name}-trace", (int)Math.Min(stateBytes, int.MaxValue)));
    hosts.Add(builder.Build());
}

try
{
    await Task.WhenAll(hosts.Select(h => h.StartAsync()));
    Say($"{hostCount} hosts logged in ({hosts.Sum(h => h.Hba.Sessions.Count)} sessions), verifying I/O running");
    await Task.Delay(TimeSpan.FromSeconds(1));

    Say("failing drive 3 ...");
    CollectionResult result = await storage.FailDriveAsync(3, "unrecoverable media errors on the drive",
        new ConsoleProgress(line => Say("  " + line)));
    await Task.Delay(TimeSpan.FromMilliseconds(500));
    await Task.WhenAll(hosts.Select(h => h.StopAsync()));

    Console.WriteLine();
    Say($"package {result.PackagePath} written in {result.Elapsed.TotalSeconds:F2} s");
    foreach (PackageHost host in result.Manifest.Hosts)
    {
        long bytes = host.Entries.Sum(e => e.Bytes);
        Console.WriteLine($"    {host.InitiatorName,-40} {host.Outcome,-10} {bytes,12:N0} bytes  {host.Sessions.Count} session(s){(host.Reason is null ? "" : "  " + host.Reason)}");
    }

    long total = result.Manifest.Hosts.Sum(h => h.Entries.Sum(e => e.Bytes)) + result.Manifest.Controller.Entries.Sum(e => e.Bytes);
    Console.WriteLine($"    controller state: {result.Manifest.Controller.Entries.Sum(e => e.Bytes):N0} bytes; total {total:N0} bytes");

    bool ioClean = true;
    foreach (EmulatedHost host in hosts)
    {
        WorkloadStatistics io = ((VerifyingWorkload)host.Applications[0]).Statistics;
        ioClean &= io.Errors == 0 && io.VerificationFailures == 0;
        Console.WriteLine($"    {host.Name}: {io.Operations:N0} verified I/Os, {io.Errors} errors, {io.VerificationFailures} bad blocks");
    }

    StateSavePackage package = await StateSavePackageReader.OpenAsync(result.PackagePath);
    Say(package.IsValid
        ? $"package verified: {package.Entries.Count} entries, every size and SHA-256 as the manifest says"
        : $"package INVALID: {string.Join("; ", package.Problems)}");
    bool complete = result.Manifest.Hosts.All(h => h.Outcome is HostOutcome.Complete or HostOutcome.NotCapable);
    Console.WriteLine(package.IsValid && ioClean && complete ? "demo: OK" : "demo: FAILED");
    return package.IsValid && ioClean && complete ? 0 : 1;
}
finally
{
    foreach (EmulatedHost host in hosts)
    {
        await host.DisposeAsync();
    }
}
