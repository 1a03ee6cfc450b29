using System.Text.Json;
using System.Text.Json.Serialization;

namespace StateSave.Storage.Reservations;

/// <summary>
/// An <see cref="IReservationStore"/> in one JSON file. Saves write a temporary file, flush it to the device
/// and rename it over the old one, so a crash leaves either the old or the new state.
/// </summary>
public sealed class JsonFileReservationStore : IReservationStore
{
    /// <summary>Files larger than this are not read (a corrupt or foreign file).</summary>
    public const int MaximumFileLength = 1 << 20;

    private readonly string _path;

    public JsonFileReservationStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
    }

    public PersistentReservationState? Load()
    {
        var file = new FileInfo(_path);
        if (!file.Exists || file.Length > MaximumFileLength)
        {
            return null;
        }

        try
        {
            byte[] json = File.ReadAllBytes(_path);
            return JsonSerializer.Deserialize(json, ReservationJsonContext.Default.PersistentReservationState);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(PersistentReservationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string temporary = _path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, ReservationJsonContext.Default.PersistentReservationState);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
    }

    public void Delete() => File.Delete(_path);
}

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PersistentReservationState))]
internal sealed partial class ReservationJsonContext : JsonSerializerContext;
