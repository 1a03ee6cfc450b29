using System.IO.Pipelines;
using System.Net;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Benchmarks;

/// <summary>
/// Two bare pipes crossed into a connection pair: no transport loops between the ends, so what is measured is the
/// initiator (and the echo target) alone. The pipes take their segments from the transports' own pool
/// (<see cref="StateSave.Iscsi.Transport.BlockMemoryPool"/>), which hands them out without allocating. Also compiled
/// into the initiator tests (steady-state allocation).
/// </summary>
internal sealed class PipePair : IIscsiTransportConnection
{
    private static readonly PipeOptions s_options = new(pool: StateSave.Iscsi.Transport.BlockMemoryPool.Default, pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false);
    private readonly TaskCompletionSource<ConnectionEnd> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PipePair(PipeReader input, PipeWriter output, string id)
    {
        Input = input;
        Output = output;
        ConnectionId = id;
    }

    public static (PipePair Client, PipePair Server) Create()
    {
        var toServer = new Pipe(s_options);
        var toClient = new Pipe(s_options);
        return (new PipePair(toClient.Reader, toServer.Writer, "client"), new PipePair(toServer.Reader, toClient.Writer, "server"));
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
