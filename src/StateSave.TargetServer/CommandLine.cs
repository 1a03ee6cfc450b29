using System.Globalization;
using Microsoft.Extensions.Logging;
using StateSave.TargetServer.Configuration;

namespace StateSave.TargetServer;

/// <summary>
/// The server's command line. Either a configuration file (<c>--config</c>) or one target with one memory or
/// sparse-file LUN from options; <c>--portal</c> replaces the file's portals.
/// </summary>
public sealed class CommandLine
{
    public const string Usage = """
        Usage: StateSave.TargetServer --config <file.json> [options]
               StateSave.TargetServer --target <iqn> --size <size> [--file <path>] [--block-size <n>] [--thin] [options]
        Options:
          --portal <address[:port]>[/<tag>]  listen there, in portal group <tag> (default 1); repeatable; replaces
                                             the file's portals (default without a file: 0.0.0.0:3260)
          --ready-file <path>                once listening, write "<tag> <address:port>" per portal to this file
          --log-level <level>                Trace, Debug, Information (default), Warning, Error
          --check                            validate the configuration and exit
          --help                             this text
        Sizes: bytes, or a whole number with KiB, MiB, GiB or TiB. Ctrl+C (SIGINT) or SIGTERM stops the server.
        """;

    public string? ConfigPath { get; private set; }

    public IList<PortalConfiguration> Portals { get; } = [];

    public string? ReadyFile { get; private set; }

    public LogLevel LogLevel { get; private set; } = LogLevel.Information;

    public bool CheckOnly { get; private set; }

    public bool Help { get; private set; }

    public string? TargetName { get; private set; }

    public string? Size { get; private set; }

    public string? FilePath { get; private set; }

    public int BlockSize { get; private set; } = 512;

    public bool ThinProvisioning { get; private set; }

    /// <summary>Parses <paramref name="arguments"/>; a <see cref="ConfigurationException"/> says what is wrong.</summary>
    public static CommandLine Parse(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var line = new CommandLine();
        for (int i = 0; i < arguments.Count; i++)
        {
            string argument = arguments[i];
            switch (argument)
            {
                case "--help" or "-h" or "-?":
                    line.Help = true;
                    break;
                case "--check":
                    line.CheckOnly = true;
                    break;
                case "--thin":
                    line.ThinProvisioning = true;
                    break;
                case "--config":
                    line.ConfigPath = Value(arguments, ref i);
                    break;
                case "--ready-file":
                    line.ReadyFile = Value(arguments, ref i);
                    break;
                case "--target":
                    line.TargetName = Value(arguments, ref i);
                    break;
                case "--size":
                    line.Size = Value(arguments, ref i);
                    break;
                case "--file":
                    line.FilePath = Value(arguments, ref i);
                    break;
                case "--block-size":
                    line.BlockSize = Number(argument, Value(arguments, ref i));
                    break;
                case "--portal":
                    line.Portals.Add(ParsePortal(Value(arguments, ref i)));
                    break;
                case "--log-level":
                    string level = Value(arguments, ref i);
                    if (!Enum.TryParse(level, ignoreCase: true, out LogLevel parsed) || !Enum.IsDefined(parsed))
                    {
                        throw new ConfigurationException($"--log-level: '{level}' is not Trace, Debug, Information, Warning, Error, Critical or None");
                    }

                    line.LogLevel = parsed;
                    break;
                default:
                    throw new ConfigurationException($"unknown argument '{argument}' (--help lists the options)");
            }
        }

        if (!line.Help && (line.ConfigPath is null) == (line.TargetName is null))
        {
            throw new ConfigurationException("give either --config <file.json> or --target <iqn> --size <size> (--help lists the options)");
        }

        if (line.ConfigPath is not null && (line.Size is not null || line.FilePath is not null || line.ThinProvisioning))
        {
            throw new ConfigurationException("--size, --file and --thin describe the --target LUN; with --config, describe LUNs in the file");
        }

        return line;
    }

    /// <summary>The configuration to serve: the file's (with <c>--portal</c> applied) or the one made from options; validated.</summary>
    public ServerConfiguration ToConfiguration()
    {
        ServerConfiguration configuration = ConfigPath is not null ? ConfigurationLoader.Load(ConfigPath) : FromOptions();
        if (Portals.Count > 0)
        {
            configuration.Portals = Portals;
        }

        ConfigurationValidator.ThrowIfInvalid(configuration);
        return configuration;
    }

    private ServerConfiguration FromOptions() => new()
    {
        Portals = [new PortalConfiguration { EndPoint = "0.0.0.0:3260" }],
        Targets =
        [
            new TargetConfiguration
            {
                Name = TargetName,
                Luns =
                [
                    new LunConfiguration
                    {
                        Lun = 0,
                        Backing = FilePath is null ? BackingStoreKind.Memory : BackingStoreKind.SparseFile,
                        Path = FilePath is null ? null : Path.GetFullPath(FilePath),
                        Size = Size,
                        BlockSize = BlockSize,
                        ThinProvisioning = ThinProvisioning,
                    },
                ],
            },
        ],
    };

    private static PortalConfiguration ParsePortal(string text)
    {
        int slash = text.LastIndexOf('/');
        if (slash < 0)
        {
            return new PortalConfiguration { EndPoint = text };
        }

        return new PortalConfiguration { EndPoint = text[..slash], PortalGroupTag = Number("--portal", text[(slash + 1)..]) };
    }

    private static string Value(IReadOnlyList<string> arguments, ref int i)
    {
        if (i + 1 >= arguments.Count)
        {
            throw new ConfigurationException($"{arguments[i]} needs a value (--help lists the options)");
        }

        return arguments[++i];
    }

    private static int Number(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ConfigurationException($"{option}: '{text}' is not a number");
}
