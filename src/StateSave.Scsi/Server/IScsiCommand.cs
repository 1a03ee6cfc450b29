namespace StateSave.Scsi.Server;

/// <summary>
/// One SCSI command as a device server sees it: the arguments of SAM-5's Execute Command procedure
/// call (§5.1) and the two data-transfer service calls, Receive Data-Out and Send Data-In (§5.4.3).
/// The SCSI transport (the iSCSI target) implements it per task; the device server never sees PDUs.
/// </summary>
/// <remarks>
/// The transport counts the bytes a device server asked for against the expected lengths and reports
/// the residuals itself (RFC 7143 §11.4.5): asking to send more Data-In than <see cref="ExpectedDataInLength"/>
/// is an overflow (the excess is dropped), sending less an underflow; the same for Data-Out.
/// </remarks>
public interface IScsiCommand
{
    /// <summary>The CDB, exactly as long as the transport delivered it (16 bytes for iSCSI without an extended CDB AHS).</summary>
    ReadOnlyMemory<byte> Cdb { get; }

    /// <summary>The logical unit addressed.</summary>
    LogicalUnitNumber Lun { get; }

    /// <summary>SIMPLE, ORDERED, HEAD OF QUEUE or ACA (SAM-5 §8.6).</summary>
    TaskAttribute TaskAttribute { get; }

    /// <summary>The task tag (iSCSI Initiator Task Tag), for task management and logs.</summary>
    ulong TaskTag { get; }

    /// <summary>The I_T nexus the command arrived through.</summary>
    ITNexus Nexus { get; }

    /// <summary>The data directions the transport announced.</summary>
    ScsiDataDirection Direction { get; }

    /// <summary>Bytes of Data-Out the application client expects to send (0 when not a write).</summary>
    uint ExpectedDataOutLength { get; }

    /// <summary>Bytes of Data-In the application client can accept (0 when not a read).</summary>
    uint ExpectedDataInLength { get; }

    /// <summary>
    /// Signalled when the task is aborted (ABORT TASK, ABORT TASK SET, CLEAR TASK SET, a reset, or the
    /// connection ending). A device server must not complete a write it has not started once this fires.
    /// </summary>
    CancellationToken Aborted { get; }

    /// <summary>
    /// Receive Data-Out: fills <paramref name="destination"/> with the next bytes of the command's
    /// Data-Out buffer, requesting them from the initiator as needed (R2T).
    /// </summary>
    /// <returns>
    /// The bytes placed; fewer than <c>destination.Length</c> only when <see cref="ExpectedDataOutLength"/>
    /// is exhausted (the rest is counted as a residual overflow).
    /// </returns>
    ValueTask<int> ReceiveDataOutAsync(Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>
    /// Send Data-In: appends <paramref name="data"/> to the command's Data-In buffer. May be called
    /// several times; the transport splits into PDUs. Bytes beyond <see cref="ExpectedDataInLength"/>
    /// are not sent and are reported as a residual overflow. The caller may reuse the memory as soon as the call returns.
    /// </summary>
    ValueTask SendDataInAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Send Data-In read in place: appends <paramref name="length"/> bytes that <paramref name="source"/> copies from
    /// <paramref name="sourceOffset"/> on, straight into the transport's send buffers. Same accounting as
    /// <see cref="SendDataInAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.
    /// </summary>
    /// <param name="source">Where the bytes are read from, synchronously.</param>
    /// <param name="sourceOffset">The offset of the first byte, in the source's addressing.</param>
    /// <param name="length">The bytes to send.</param>
    /// <param name="completesWithGood">
    /// True when the device server will return GOOD without sense as soon as this call returns, having sent all its
    /// Data-In: the transport may then send that status with the last Data-In (iSCSI phase collapse, RFC 7143
    /// §11.7.4) instead of holding data back for it.
    /// </param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <remarks>The default implementation stages the bytes in a pooled buffer of at most 1 MiB and calls the copying overload.</remarks>
    async ValueTask SendDataInAsync(IDataInSource source, long sourceOffset, int length, bool completesWithGood, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        const int StagingBytes = 1 << 20;
        byte[] staging = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(length, StagingBytes));
        try
        {
            for (int done = 0; done < length;)
            {
                int count = Math.Min(length - done, staging.Length);
                source.Read(sourceOffset + done, staging.AsSpan(0, count));
                await SendDataInAsync(staging.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                done += count;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(staging);
        }
    }
}
