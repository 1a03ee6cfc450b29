using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace StateSave.Iscsi.Transport.Internal;

/// <summary>
/// Sends a whole multi-segment buffer of the output pipe with one gather send (sendmsg with an iovec per segment):
/// a 128 KiB Data-In that spans three pipe segments costs one system call, not three. One reusable
/// <see cref="SocketAsyncEventArgs"/> and segment list, so a send allocates nothing. Used by the send loop only,
/// one send at a time.
/// </summary>
internal sealed class SocketSender : SocketAsyncEventArgs, IValueTaskSource<int>
{
    private readonly List<ArraySegment<byte>> _segments = new(capacity: 16);
    private ManualResetValueTaskSourceCore<int> _completion = new() { RunContinuationsAsynchronously = false };

    public SocketSender()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    /// <summary>
    /// The most segments one send takes: the runtime gathers up to eight on the stack and allocates its iovec and
    /// pinning arrays beyond that, so a longer buffer goes out in several sends of eight.
    /// </summary>
    public const int MaximumSegmentsPerSend = 8;

    /// <summary>
    /// Prepares the first segments of <paramref name="buffer"/> (at most <see cref="MaximumSegmentsPerSend"/>); returns
    /// their length, or -1 when a segment is not array-backed (pipe memory from a pool of arrays is).
    /// </summary>
    public long TryPrepare(in ReadOnlySequence<byte> buffer)
    {
        _segments.Clear();
        long length = 0;
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            if (_segments.Count == MaximumSegmentsPerSend)
            {
                break;
            }

            if (!MemoryMarshal.TryGetArray(segment, out ArraySegment<byte> array))
            {
                _segments.Clear();
                return -1;
            }

            _segments.Add(array);
            length += array.Count;
        }

        return length;
    }

    /// <summary>Sends the prepared segments; returns the bytes sent (all of them unless the socket fails).</summary>
    public ValueTask<int> SendPreparedAsync(Socket socket)
    {
        if (BufferList is null)
        {
            SetBuffer(null, 0, 0); // Buffer and BufferList are exclusive
        }

        BufferList = _segments;
        _completion.Reset();
        if (socket.SendAsync(this))
        {
            return new ValueTask<int>(this, _completion.Version);
        }

        return SocketError == SocketError.Success
            ? new ValueTask<int>(BytesTransferred)
            : ValueTask.FromException<int>(new SocketException((int)SocketError));
    }

    /// <summary>Drops the first <paramref name="count"/> bytes of the prepared segments (after a partial send).</summary>
    public void Skip(int count)
    {
        while (count > 0 && _segments.Count > 0)
        {
            ArraySegment<byte> first = _segments[0];
            if (count < first.Count)
            {
                _segments[0] = first[count..];
                return;
            }

            count -= first.Count;
            _segments.RemoveAt(0);
        }
    }

    /// <summary>Forgets the segments (they belong to the pipe and are released after the send).</summary>
    public void Clear()
    {
        _segments.Clear();
        BufferList = null;
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
        {
            _completion.SetResult(BytesTransferred);
        }
        else
        {
            _completion.SetException(new SocketException((int)SocketError));
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
