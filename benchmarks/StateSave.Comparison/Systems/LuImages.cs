namespace StateSave.Comparison.Systems;

/// <summary>
/// The two LU backing files: the same size on the same file system, both filled with the same pseudo-random bytes
/// (a fixed seed), so that neither target serves zeros or holes and both read the same data.
/// </summary>
internal sealed class LuImages
{
    private const int ChunkBytes = 4 << 20;

    private LuImages(string ours, string theirs, long bytes)
    {
        Ours = ours;
        Theirs = theirs;
        Bytes = bytes;
    }

    /// <summary>The file this project's target serves.</summary>
    public string Ours { get; }

    /// <summary>The file tgtd serves.</summary>
    public string Theirs { get; }

    public long Bytes { get; }

    public static LuImages Create(string directory, long bytes)
    {
        string ours = Path.Combine(directory, "target-lu.img");
        string theirs = Path.Combine(directory, "tgtd-lu.img");
        var random = new Random(20261126);
        byte[] chunk = new byte[ChunkBytes];
        using (var file = new FileStream(ours, FileMode.Create, FileAccess.Write, FileShare.None, 0))
        {
            for (long done = 0; done < bytes; done += chunk.Length)
            {
                random.NextBytes(chunk);
                file.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - done));
            }
        }

        File.Copy(ours, theirs, overwrite: true);
        return new LuImages(ours, theirs, bytes);
    }
}
