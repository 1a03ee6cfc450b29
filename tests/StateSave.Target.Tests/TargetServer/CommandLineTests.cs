using Microsoft.Extensions.Logging;
using StateSave.TargetServer;
using StateSave.TargetServer.Configuration;

namespace StateSave.Target.Tests.TargetServer;

public class CommandLineTests
{
    [Test]
    public void Portals_on_the_command_line_replace_the_files()
    {
        string config = Path.Combine(ConfigurationValidatorTests.RepositoryRoot(), "tests", "conformance", "target.json");
        CommandLine line = CommandLine.Parse(["--config", config, "--portal", "127.0.0.1:0/1", "--portal", "[::1]:0/2", "--ready-file", "/tmp/r", "--log-level", "warning"]);
        ServerConfiguration configuration = line.ToConfiguration();

        Assert.That(configuration.Portals.Select(p => (p.EndPoint, p.PortalGroupTag)), Is.EqualTo(new[] { ("127.0.0.1:0", 1), ("[::1]:0", 2) }));
        Assert.That(line.ReadyFile, Is.EqualTo("/tmp/r"));
        Assert.That(line.LogLevel, Is.EqualTo(LogLevel.Warning));
        Assert.That(configuration.Targets[0].Name, Is.EqualTo("iqn.2026-11.io.statesave:conformance"));
    }

    [Test]
    public void A_target_from_options_has_one_lun_0()
    {
        CommandLine line = CommandLine.Parse(["--target", "iqn.2026-11.io.statesave:quick", "--size", "64MiB", "--thin", "--block-size", "4096"]);
        ServerConfiguration configuration = line.ToConfiguration();

        Assert.That(configuration.Portals.Single().EndPoint, Is.EqualTo("0.0.0.0:3260"));
        LunConfiguration lun = configuration.Targets.Single().Luns.Single();
        Assert.That((lun.Lun, lun.Backing, lun.Size, lun.BlockSize, lun.ThinProvisioning), Is.EqualTo((0, BackingStoreKind.Memory, "64MiB", 4096, true)));
    }

    [TestCase(new string[0], "give either --config <file.json> or --target <iqn> --size <size> (--help lists the options)")]
    [TestCase(new[] { "--config", "a.json", "--target", "iqn.2026-11.a:b" }, "give either --config <file.json> or --target <iqn> --size <size> (--help lists the options)")]
    [TestCase(new[] { "--config" }, "--config needs a value (--help lists the options)")]
    [TestCase(new[] { "--bogus" }, "unknown argument '--bogus' (--help lists the options)")]
    [TestCase(new[] { "--target", "iqn.2026-11.a:b", "--block-size", "big" }, "--block-size: 'big' is not a number")]
    [TestCase(new[] { "--target", "iqn.2026-11.a:b", "--portal", "127.0.0.1/x" }, "--portal: 'x' is not a number")]
    [TestCase(new[] { "--target", "iqn.2026-11.a:b", "--log-level", "loud" }, "--log-level: 'loud' is not Trace, Debug, Information, Warning, Error, Critical or None")]
    [TestCase(new[] { "--config", "a.json", "--size", "1GiB" }, "--size, --file and --thin describe the --target LUN; with --config, describe LUNs in the file")]
    public void Bad_command_lines_say_what_is_wrong(string[] arguments, string problem)
    {
        ConfigurationException exception = Assert.Throws<ConfigurationException>(() => CommandLine.Parse(arguments))!;
        Assert.That(exception.Problems, Is.EqualTo(new[] { problem }));
    }

    [Test]
    public void Help_needs_nothing_else()
    {
        Assert.That(CommandLine.Parse(["--help"]).Help, Is.True);
    }

    [Test]
    public void An_invalid_target_from_options_lists_every_problem()
    {
        CommandLine line = CommandLine.Parse(["--target", "bad", "--size", "1000"]);
        ConfigurationException exception = Assert.Throws<ConfigurationException>(() => line.ToConfiguration())!;
        Assert.That(exception.Problems, Is.EqualTo(new[]
        {
            "targets[0].name: 'bad' is not an iSCSI name: the name does not start with iqn., eui. or naa.",
            "targets[0].luns[0].size: 1000 bytes is not a positive multiple of the block size 512",
        }));
    }
}
