using System.Net;
using System.Text;
using StateSave.Initiator;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.InBand;
using StateSave.Initiator.Sessions;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;
using StateSave.Scsi.InBand;
using StateSave.StorageSystem.Collection;
using StateSave.StorageSystem.Packages;
using StateSave.StorageSystem.Systems;

namespace StateSave.StorageSystem.Tests.Collection;

/// <summary>In-band state save end to end over loopback TCP: the storage system collects from hosts on the initiator library.</summary>
[NonParallelizable]
public class CollectionTests
{
    private string _output = null!;

    [SetUp]
    public void SetUp() => _output = Directory.CreateTempSubdirectory("statesave-collection-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_output, recursive: true);

    /// <summary>A host's state: a few named buffers of known content.</summary>
    private sealed class FakeHostState(string name, int bytes) : IHostSnapshotSource
    {
        public int Freezes;

        public string HostName => name;

        public byte[] Log { get; } = [.. Enumerable.Range(0, bytes).Select(i => (byte)(i * 7 + name.Length))];

        public ValueTask<IReadOnlyList<SnapshotBuffer>> FreezeAsync(ulong failureId, StateSaveScope scope, StateSaveParameters parameters, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Freezes);
            return ValueTask.FromResult<IReadOnlyList<SnapshotBuffer>>(
            [
                new SnapshotBuffer("hba-driver", SnapshotBuffer.HbaDriverFormat, "application/json", Encoding.UTF8.GetBytes($"{{\"host\":\"{name}\"}}")),
                new SnapshotBuffer("application/log", SnapshotBuffer.ApplicationLogFormat, "text/plain", Log),
            ]);
        }
    }

    private static async Task<IscsiSession> LoginAsync(EmulatedStorageSystem storage, EndPoint portal, string initiatorName, bool capable, ushort qualifier,
        IInBandStateSaveHandler? handler = null)
    {
        var initiator = new IscsiInitiator(new InitiatorOptions
        {
            InitiatorName = initiatorName,
            InBandStateSave = capable,
            Isid = Isid.FromFields(Isid.TypeRandom, 0, 0x2000, 0, qualifier),
        });
        IscsiSession session = await initiator.LoginAsync(portal, storage.TargetName);
        session.InBandStateSaveHandler = handler;
        return session;
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_drive_failure_collects_every_host_once_into_one_verified_package()
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions { OutputDirectory = _output, RequestSize = 64 * 1024, Deadline = TimeSpan.FromSeconds(30) },
        });
        await storage.StartAsync();
        EndPoint portalA = storage.Portals[0].EndPoint;
        EndPoint portalB = storage.Portals[1].EndPoint;

        var multipath = new FakeHostState("host-multipath", 300_000);
        var single = new FakeHostState("host-single", 5_000);
        var multipathResponder = new InBandSnapshotResponder(multipath);
        await using IscsiSession m1 = await LoginAsync(storage, portalA, "iqn.2026-11.test:host-multipath", true, 1, multipathResponder);
        await using IscsiSession m2 = await LoginAsync(storage, portalB, "iqn.2026-11.test:host-multipath", true, 2, multipathResponder);
        await using IscsiSession s1 = await LoginAsync(storage, portalA, "iqn.2026-11.test:host-single", true, 3, new InBandSnapshotResponder(single));
        await using IscsiSession stock = await LoginAsync(storage, portalB, "iqn.2026-11.test:host-stock", false, 4);
        var events = new List<AsyncMessageEventArgs>();
        stock.AsyncMessageReceived += (_, e) => { lock (events) { events.Add(e); } };

        CollectionResult result = await storage.FailDriveAsync(3, "unrecovered read error");
        StateSavePackage package = await StateSavePackageReader.OpenAsync(result.PackagePath);
        PackageHost Host(string name) => package.Manifest!.Hosts.Single(h => h.InitiatorName == name);

        Assert.Multiple(() =>
        {
            Assert.That(package.Problems, Is.Empty);
            Assert.That(package.Manifest!.Failure.Component, Is.EqualTo("drive 3 (SSDRV0003)"));
            Assert.That(Host("iqn.2026-11.test:host-multipath").Outcome, Is.EqualTo(HostOutcome.Complete), Host("iqn.2026-11.test:host-multipath").Reason);
            Assert.That(Host("iqn.2026-11.test:host-multipath").Sessions, Has.Count.EqualTo(2));
            Assert.That(multipath.Freezes, Is.EqualTo(1), "two paths, one snapshot");
            Assert.That(Host("iqn.2026-11.test:host-single").Outcome, Is.EqualTo(HostOutcome.Complete));
            Assert.That(Host("iqn.2026-11.test:host-stock").Outcome, Is.EqualTo(HostOutcome.NotCapable));
            Assert.That(package.Manifest.Controller.Entries.Select(e => e.Name), Does.Contain("controller/state.json"));
            Assert.That(multipathResponder.Snapshots, Is.Empty, "the snapshot was released");
        });

        PackageEntry log = Host("iqn.2026-11.test:host-multipath").Entries.Single(e => e.Name.EndsWith("/12.bin", StringComparison.Ordinal));
        using var copy = new MemoryStream();
        await StateSavePackageReader.CopyEntryAsync(result.PackagePath, log.Name, copy);
        Assert.That(copy.ToArray(), Is.EqualTo(multipath.Log));
        await Task.Delay(200);
        lock (events)
        {
            Assert.That(events.Select(e => (e.AsyncEvent, e.Sense?.AdditionalSenseCode)),
                Does.Contain((AsyncEvent.ScsiAsyncEvent, (AdditionalSenseCode?)StateSaveCollector.StateSaveRequested)));
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_host_that_never_answers_times_out_and_the_package_still_appears()
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions
            {
                OutputDirectory = _output, RequestTimeout = TimeSpan.FromMilliseconds(300), Deadline = TimeSpan.FromSeconds(3),
            },
        });
        await storage.StartAsync();
        await using IscsiSession silent = await LoginAsync(storage, storage.Portals[0].EndPoint, "iqn.2026-11.test:silent", true, 5, new NeverAnswers());
        var good = new FakeHostState("good", 1000);
        await using IscsiSession answering = await LoginAsync(storage, storage.Portals[0].EndPoint, "iqn.2026-11.test:good", true, 6, new InBandSnapshotResponder(good));

        CollectionResult result = await storage.FailDriveAsync(0, "failed");
        StateSavePackage package = await StateSavePackageReader.OpenAsync(result.PackagePath);
        Assert.That(package.IsValid, Is.True, string.Join("; ", package.Problems));
        Assert.That(package.Manifest!.Hosts.Single(h => h.InitiatorName == "iqn.2026-11.test:silent").Outcome, Is.EqualTo(HostOutcome.TimedOut));
        Assert.That(package.Manifest.Hosts.Single(h => h.InitiatorName == "iqn.2026-11.test:good").Outcome, Is.EqualTo(HostOutcome.Complete));
        Assert.That(result.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_stock_host_told_by_the_async_event_pushes_its_history_with_WRITE_BUFFER_and_it_is_packaged()
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions { OutputDirectory = _output, StockHostWindow = TimeSpan.FromSeconds(1), Deadline = TimeSpan.FromSeconds(20) },
        });
        await storage.StartAsync();
        await using IscsiSession stock = await LoginAsync(storage, storage.Portals[0].EndPoint, "iqn.2026-11.test:stock-pusher", false, 7);
        var client = new StateSave.Initiator.Scsi.ScsiClient(stock, LogicalUnitNumber.Zero);
        for (int i = 0; i < 4 && !(await client.TestUnitReadyAsync()).IsGood; i++)
        {
        }

        byte[] history = Encoding.UTF8.GetBytes("stock host: path errors before the failure");
        byte[] list = new byte[26 + history.Length];
        "STOCKHST"u8.CopyTo(list);
        list[25] = (byte)history.Length;
        history.CopyTo(list, 26);
        Task pushed = Task.CompletedTask;
        stock.AsyncMessageReceived += (_, e) =>
        {
            if (e.Sense?.AdditionalSenseCode == StateSaveCollector.StateSaveRequested)
            {
                pushed = client.ExecuteAsync([0x3b, 0x1c, 0, 0, 0, 0, 0, 0, (byte)list.Length, 0], default, list).AsTask();
            }
        };

        CollectionResult result = await storage.FailDriveAsync(1, "failed");
        await pushed;
        PackageHost host = result.Manifest.Hosts.Single();
        Assert.That(host.Outcome, Is.EqualTo(HostOutcome.NotCapable));
        Assert.That(host.Entries.Select(e => e.Name), Does.Contain("hosts/0-iqn.2026-11.test_stock-pusher/application-client-error-history.bin"));
        using var copy = new MemoryStream();
        await StateSavePackageReader.CopyEntryAsync(result.PackagePath, host.Entries[0].Name, copy);
        Assert.That(copy.ToArray(), Is.EqualTo(list));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Sixteen_hosts_with_one_that_breaks_the_protocol_and_one_whose_path_drops_mid_transfer()
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions
            {
                OutputDirectory = _output, RequestSize = 32 * 1024, RequestTimeout = TimeSpan.FromSeconds(2), Deadline = TimeSpan.FromSeconds(40),
            },
        });
        await storage.StartAsync();
        EndPoint a = storage.Portals[0].EndPoint;
        EndPoint b = storage.Portals[1].EndPoint;
        var sessions = new List<IscsiSession>();
        var states = new List<FakeHostState>();
        try
        {
            for (int h = 0; h < 14; h++)
            {
                var state = new FakeHostState($"h{h}", 50_000 + (h * 1000));
                states.Add(state);
                sessions.Add(await LoginAsync(storage, h % 2 == 0 ? a : b, $"iqn.2026-11.test:h{h}", true, (ushort)(10 + h), new InBandSnapshotResponder(state)));
            }

            // A host that sends more than it was asked for: rejected with the reason, everyone else unaffected.
            sessions.Add(await LoginAsync(storage, a, "iqn.2026-11.test:greedy", true, 40, new Greedy()));

            // A host with two paths whose first path drops in the middle of its buffer: the pull resumes on the other path.
            var dropping = new FakeHostState("dropping", 400_000);
            var responder = new DroppingResponder(new InBandSnapshotResponder(dropping));
            IscsiSession first = await LoginAsync(storage, a, "iqn.2026-11.test:dropping", true, 41, responder);
            IscsiSession second = await LoginAsync(storage, b, "iqn.2026-11.test:dropping", true, 42, responder);
            responder.Victim = first;
            sessions.Add(first);
            sessions.Add(second);

            CollectionResult result = await storage.FailDriveAsync(2, "failed");
            StateSavePackage package = await StateSavePackageReader.OpenAsync(result.PackagePath);
            PackageHost Host(string name) => result.Manifest.Hosts.Single(h => h.InitiatorName == "iqn.2026-11.test:" + name);

            Assert.That(result.Manifest.Hosts, Has.Count.EqualTo(16));
            Assert.That(package.IsValid, Is.True, string.Join("; ", package.Problems));
            for (int h = 0; h < 14; h++)
            {
                Assert.That(Host($"h{h}").Outcome, Is.EqualTo(HostOutcome.Complete), $"h{h}: {Host($"h{h}").Reason}");
                Assert.That(Host($"h{h}").Entries.Single(e => e.Name.EndsWith("/12.bin", StringComparison.Ordinal)).Bytes, Is.EqualTo(states[h].Log.Length));
            }

            Assert.That(Host("greedy").Outcome, Is.EqualTo(HostOutcome.Rejected));
            Assert.That(Host("greedy").Reason, Does.Contain("more than the allocation length"));
            Assert.That(Host("dropping").Outcome, Is.EqualTo(HostOutcome.Complete), Host("dropping").Reason);
            Assert.That(responder.Dropped, Is.True, "the first path was cut during the transfer");
            PackageEntry log = Host("dropping").Entries.Single(e => e.Name.EndsWith("/12.bin", StringComparison.Ordinal));
            using var copy = new MemoryStream();
            await StateSavePackageReader.CopyEntryAsync(result.PackagePath, log.Name, copy);
            Assert.That(copy.ToArray(), Is.EqualTo(dropping.Log), "resumed from its offset: every byte once, in order");
        }
        finally
        {
            foreach (IscsiSession session in sessions)
            {
                await session.DisposeAsync();
            }
        }
    }

    /// <summary>Answers READ BUFFER of a data buffer with more bytes than the allocation length allows.</summary>
    private sealed class Greedy : IInBandStateSaveHandler
    {
        private readonly InBandSnapshotResponder _inner = new(new FakeHostState("greedy", 1000));

        public async ValueTask HandleAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken)
        {
            if (ErrorHistoryReadCdb.TryDecode(request.Cdb.Span, out ErrorHistoryReadCdb read) is null && read.IsDataBuffer)
            {
                await session.SendStateSaveDataAsync(new Iscsi.InBand.StateSaveDataPdu
                {
                    Lun = request.Lun, VendorTaskTag = request.VendorTaskTag, BufferOffset = read.BufferOffset,
                    DataSegment = new System.Buffers.ReadOnlySequence<byte>(new byte[read.AllocationLength + 512]),
                }, cancellationToken);
                return;
            }

            await _inner.HandleAsync(session, request, cancellationToken);
        }
    }

    /// <summary>Cuts the victim session's connection once, while answering a read of the big buffer at a non-zero offset.</summary>
    private sealed class DroppingResponder(InBandSnapshotResponder inner) : IInBandStateSaveHandler
    {
        public IscsiSession? Victim { get; set; }

        public bool Dropped { get; private set; }

        public async ValueTask HandleAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken)
        {
            if (!Dropped && ReferenceEquals(session, Victim) && ErrorHistoryReadCdb.TryDecode(request.Cdb.Span, out ErrorHistoryReadCdb read) is null
                && read.BufferId == 0x12 && read.BufferOffset > 0)
            {
                Dropped = true;
                session.AbortConnection("test: the path drops mid-transfer");
                return;
            }

            await inner.HandleAsync(session, request, cancellationToken);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_host_with_hundreds_of_MiB_of_state_is_streamed_to_disk_and_the_controller_heap_stays_bounded()
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions { OutputDirectory = _output, Deadline = TimeSpan.FromSeconds(90) },
        });
        await storage.StartAsync();
        var big = new FakeHostState("big", 200 * 1024 * 1024);
        await using IscsiSession session = await LoginAsync(storage, storage.Portals[0].EndPoint, "iqn.2026-11.test:big", true, 50, new InBandSnapshotResponder(big));
        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = before;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(20);
            }
        });

        CollectionResult result = await storage.FailDriveAsync(4, "failed");
        await sampling.CancelAsync();
        await sampler;

        PackageEntry log = result.Manifest.Hosts.Single().Entries.Single(e => e.Name.EndsWith("/12.bin", StringComparison.Ordinal));
        Assert.That(result.Manifest.Hosts.Single().Outcome, Is.EqualTo(HostOutcome.Complete), result.Manifest.Hosts.Single().Reason);
        Assert.That(log.Bytes, Is.EqualTo(big.Log.Length));
        Assert.That(log.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(big.Log))));
        // The host already holds its 200 MiB; a controller that buffered the state would add as much again.
        Assert.That(peak - before, Is.LessThan(96L * 1024 * 1024), $"heap grew by {(peak - before) / (1024 * 1024)} MiB during the collection");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_stock_libiscsi_host_reading_throughout_the_failure_finishes_without_an_error()
    {
        string? perf = StateSave.Iscsi.Tests.Interop.Peers.FindOnPath("iscsi-perf");
        if (perf is null)
        {
            StateSave.Iscsi.Tests.Interop.Peers.Missing("iscsi-perf (Debian package libiscsi-bin) is not installed.");
        }

        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions { OutputDirectory = _output, Deadline = TimeSpan.FromSeconds(30) },
        });
        await storage.StartAsync();
        var capable = new FakeHostState("capable", 100_000);
        await using IscsiSession session = await LoginAsync(storage, storage.Portals[1].EndPoint, "iqn.2026-11.test:capable", true, 60, new InBandSnapshotResponder(capable));
        var portal = (IPEndPoint)storage.Portals[0].EndPoint;
        var start = new System.Diagnostics.ProcessStartInfo(perf!,
            ["-t", "4", "-m", "8", "-b", "8", "-i", "iqn.2026-11.test:iscsi-perf", $"iscsi://{portal}/{storage.TargetName}/0"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await Task.Delay(1000); // reading

        CollectionResult result = await storage.FailDriveAsync(6, "failed");
        await process.WaitForExitAsync();
        string output = await stdout + await stderr;

        Assert.That(process.ExitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("finished"), output);
        Assert.That(result.Manifest.Hosts.Single(h => h.InitiatorName == "iqn.2026-11.test:iscsi-perf").Outcome, Is.EqualTo(HostOutcome.NotCapable));
        Assert.That(result.Manifest.Hosts.Single(h => h.InitiatorName == "iqn.2026-11.test:capable").Outcome, Is.EqualTo(HostOutcome.Complete));
    }

    private sealed class NeverAnswers : IInBandStateSaveHandler
    {
        public ValueTask HandleAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
