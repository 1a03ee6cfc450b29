using System.Text.Json;

namespace StateSave.TargetServer.Configuration;

/// <summary>Reads the JSON configuration file; every error is a <see cref="ConfigurationException"/> saying where.</summary>
public static class ConfigurationLoader
{
    /// <summary>The largest configuration file read (it describes portals and LUNs, never data).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Reads and parses <paramref name="path"/>; relative sparse-file paths become relative to its folder.</summary>
    public static ServerConfiguration Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw new ConfigurationException($"{path}: the configuration file does not exist");
            }

            if (file.Length > MaxFileBytes)
            {
                throw new ConfigurationException($"{path}: {file.Length} bytes is over the {MaxFileBytes}-byte limit of a configuration file");
            }

            json = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read the configuration file: {exception.Message}");
        }

        return Parse(json, Path.GetDirectoryName(Path.GetFullPath(path)), path);
    }

    /// <summary>Parses <paramref name="json"/> (not validated yet: see <see cref="ConfigurationValidator"/>).</summary>
    public static ServerConfiguration Parse(string json, string? baseDirectory = null, string source = "configuration")
    {
        ArgumentNullException.ThrowIfNull(json);
        ServerConfiguration? configuration;
        try
        {
            configuration = JsonSerializer.Deserialize(json, ConfigurationJsonContext.Default.ServerConfiguration);
        }
        catch (JsonException exception)
        {
            string where = exception.LineNumber is { } line
                ? $"line {line + 1}, column {exception.BytePositionInLine + 1}"
                : "JSON";
            throw new ConfigurationException($"{source} ({where}): {FirstSentence(exception.Message)}");
        }

        if (configuration is null)
        {
            throw new ConfigurationException($"{source}: the configuration is null, not an object");
        }

        if (baseDirectory is not null)
        {
            foreach (LunConfiguration lun in configuration.Targets.SelectMany(t => t?.Luns ?? []).Where(l => l?.Path is not null))
            {
                lun.Path = Path.GetFullPath(lun.Path!, baseDirectory);
            }
        }

        return configuration;
    }

    /// <summary>Serializes <paramref name="configuration"/> (as the file format).</summary>
    public static string Format(ServerConfiguration configuration) =>
        JsonSerializer.Serialize(configuration, ConfigurationJsonContext.Default.ServerConfiguration);

    // System.Text.Json appends "Path: $... | LineNumber: ..." which the caller already says better.
    private static string FirstSentence(string message)
    {
        int path = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
