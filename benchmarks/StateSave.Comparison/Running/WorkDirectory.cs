using System.Diagnostics;
using System.Globalization;

namespace StateSave.Comparison.Running;

/// <summary>
/// The run's scratch directory: the LU images, peer logs and state-save packages. On tmpfs (/dev/shm) when it has
/// room, so the disk does not enter the figures, else in the temp directory. Deleted at the end; directories left by
/// runs whose process is gone (killed with SIGKILL) are deleted at the next start.
/// </summary>
internal sealed class WorkDirectory : IDisposable
{
    private const string Prefix = "statesave-comparison-";

    private WorkDirectory(string path, string fileSystem)
    {
        Path = path;
        FileSystem = fileSystem;
    }

    public string Path { get; }

    /// <summary>"tmpfs /dev/shm" or the temp directory, for the report.</summary>
    public string FileSystem { get; }

    public static WorkDirectory Create(long bytesNeeded)
    {
        string parent = HasRoom("/dev/shm", bytesNeeded) ? "/dev/shm" : System.IO.Path.GetTempPath();
        RemoveStale(parent);
        string path = System.IO.Path.Combine(parent, Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(path);
        return new WorkDirectory(path, parent == "/dev/shm" ? "tmpfs (/dev/shm)" : parent);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"comparison: could not delete {Path}: {error.Message}");
        }
    }

    private static bool HasRoom(string directory, long bytes)
    {
        try
        {
            return Directory.Exists(directory) && new DriveInfo(directory).AvailableFreeSpace > bytes;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    private static void RemoveStale(string parent)
    {
        foreach (string directory in Directory.EnumerateDirectories(parent, Prefix + "*"))
        {
            if (int.TryParse(System.IO.Path.GetFileName(directory)[Prefix.Length..], CultureInfo.InvariantCulture, out int pid) && !IsAlive(pid))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    // Someone else's: leave it.
                }
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
