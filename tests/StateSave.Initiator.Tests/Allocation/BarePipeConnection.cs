using System.IO.Pipelines;
using System.Net;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Tests.Allocation;

/// <summary>
/// Two bare pipes crossed into a connection pair: no transport loops between the ends, so what allocates is the
/// initiator (or the echo target, which allocates nothing per command). The pipes take their segments from the pool
/// the initiator gives its own transports (the shared memory pool allocates an owner object per segment).
/// </summary>
internal sealed class BarePipeConnection : IIscsiTransportConnection
{
    private static readonly PipeOptions s_options = new(pool: new StateSave.Iscsi.Transport.BlockMemoryPool(), pauseWriterThreshold: 4 << 20,
        resumeWriterThreshold: 2 << 20, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false);

    private readonly TaskCompletionSource<ConnectionEnd> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BarePipeConnection(PipeReader input, PipeWriter output, string id)
    {
        Input = input;
        Output = output;
        ConnectionId = id;
    }

    public static (BarePipeConnection Client, BarePipeConnection Server) CreatePair()
    {
        var toServer = new Pipe(s_options);
        var toClient = new Pipe(s_options);
        return (new BarePipeConnection(toClient.Reader, toServer.Writer, "client"), new BarePipeConnection(toServer.Reader, toClient.Writer, "server"));
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
