using System.IO.Pipelines;
using System.Net;
using StateSave.Iscsi.Transport;

namespace StateSave.Benchmarks.Target;

/// <summary>
/// One end of two bare pipes crossed into a connection: what one end writes, the other reads, with no transport loops
/// or copies between them. The pipes are sized as the transport sizes its own (<see cref="PipeSizing"/>).
/// </summary>
/// <remarks>
/// The client's continuations (its reads of the target's answers, its flushes) run inline on the target's thread: they
/// only wake the client's <see cref="BlockingAwaiter"/>. On the thread pool each would cost a work item (the pool queues
/// an async method's own continuation without one, not another callback's), which is the client's cost, not the target's.
/// </remarks>
internal sealed class PipeConnection : IIscsiTransportConnection
{
    private readonly TaskCompletionSource<ConnectionEnd> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PipeConnection(PipeReader input, PipeWriter output, string connectionId)
    {
        Input = input;
        Output = output;
        ConnectionId = connectionId;
    }

    /// <summary>Two connected ends.</summary>
    public static (PipeConnection Client, PipeConnection Server) CreatePair()
    {
        TransportOptions sizing = TransportOptions.Default;
        long toServerPause = PipeSizing.InputPauseWriterThreshold(sizing.LargestPduLength);
        var toServer = new Pipe(new PipeOptions(
            writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: toServerPause, resumeWriterThreshold: toServerPause / 2,
            minimumSegmentSize: sizing.MinimumSegmentSize, useSynchronizationContext: false));
        var toClient = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline, pauseWriterThreshold: PipeSizing.OutputPauseWriterThreshold,
            resumeWriterThreshold: PipeSizing.OutputPauseWriterThreshold / 2, minimumSegmentSize: sizing.MinimumSegmentSize, useSynchronizationContext: false));
        return (new PipeConnection(toClient.Reader, toServer.Writer, "pipe-client"), new PipeConnection(toServer.Reader, toClient.Writer, "pipe-server"));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public string ConnectionId { get; }

    public EndPoint? LocalEndPoint => null;

    public EndPoint? RemoteEndPoint => null;

    public ConnectionEnd? End => _closed.Task.IsCompleted ? _closed.Task.Result : null;

    public Task<ConnectionEnd> Closed => _closed.Task;

    public void Abort(string reason, Exception? exception = null)
    {
        Input.CancelPendingRead();
        Input.Complete();
        Output.Complete();
        _closed.TrySetResult(new ConnectionEnd(ConnectionEndReason.Aborted, reason, exception));
    }

    public ValueTask DisposeAsync()
    {
        Abort("disposed");
        return ValueTask.CompletedTask;
    }
}
