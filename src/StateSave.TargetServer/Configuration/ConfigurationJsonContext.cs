using System.Text.Json;
using System.Text.Json.Serialization;

namespace StateSave.TargetServer.Configuration;

/// <summary>Source-generated JSON metadata of the configuration file: camelCase names, comments and trailing commas allowed, unknown members rejected.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(ServerConfiguration))]
internal sealed partial class ConfigurationJsonContext : JsonSerializerContext;
