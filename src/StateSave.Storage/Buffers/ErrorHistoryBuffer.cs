namespace StateSave.Storage.Buffers;

/// <summary>One buffer of an error history snapshot (SPC-5 §5.7): READ BUFFER mode 1Ch with this BUFFER ID returns <see cref="Data"/>.</summary>
/// <param name="BufferId">10h-EFh.</param>
/// <param name="BufferFormat">BUFFER FORMAT: 00h vendor specific, 01h current internal status, 02h saved internal status.</param>
/// <param name="BufferSource">BUFFER SOURCE (bits 3-0).</param>
/// <param name="Data">The buffer's bytes; the snapshot keeps the memory until it is released.</param>
public sealed record ErrorHistoryBuffer(byte BufferId, byte BufferFormat, byte BufferSource, ReadOnlyMemory<byte> Data);
