using System.Net;
using StateSave.TargetServer.Configuration;

namespace StateSave.Target.Tests.TargetServer;

public class ConfigurationLoaderTests
{
    [Test]
    public void Every_field_is_read_with_comments_and_trailing_commas()
    {
        const string json = """
            // a comment
            {
              "portals": [ { "endPoint": "[::1]:3261", "portalGroupTag": 2 }, ],
              "targets": [ {
                "name": "iqn.2026-11.io.statesave:t", "alias": "A", "portalGroupTags": [2],
                "allowedInitiators": ["iqn.2026-11.io.statesave:i"],
                "chap": { "username": "u", "secret": "s1", "mutualUsername": "m", "mutualSecret": "s2" },
                "luns": [ { "lun": 3, "backing": "sparseFile", "path": "disks/lun3.img", "size": "1GiB", "blockSize": 4096,
                            "thinProvisioning": true, "readOnly": true, "removable": true,
                            "vendor": "V", "product": "P", "serial": "S", "allowedInitiators": ["iqn.2026-11.io.statesave:i"] } ]
              } ]
            }
            """;
        ServerConfiguration configuration = ConfigurationLoader.Parse(json, "/srv/statesave");

        Assert.That(configuration.Portals[0].EndPoint, Is.EqualTo("[::1]:3261"));
        Assert.That(configuration.Portals[0].PortalGroupTag, Is.EqualTo(2));
        TargetConfiguration target = configuration.Targets[0];
        Assert.That(target.Name, Is.EqualTo("iqn.2026-11.io.statesave:t"));
        Assert.That(target.Alias, Is.EqualTo("A"));
        Assert.That(target.PortalGroupTags, Is.EqualTo(new[] { 2 }));
        Assert.That(target.AllowedInitiators, Is.EqualTo(new[] { "iqn.2026-11.io.statesave:i" }));
        Assert.That(target.Chap, Is.Not.Null);
        Assert.That((target.Chap!.Username, target.Chap.Secret, target.Chap.MutualUsername, target.Chap.MutualSecret), Is.EqualTo(("u", "s1", "m", "s2")));
        LunConfiguration lun = target.Luns[0];
        Assert.That(lun.Lun, Is.EqualTo(3));
        Assert.That(lun.Backing, Is.EqualTo(BackingStoreKind.SparseFile));
        Assert.That(lun.Path, Is.EqualTo("/srv/statesave/disks/lun3.img"));
        Assert.That(lun.Size, Is.EqualTo("1GiB"));
        Assert.That(lun.BlockSize, Is.EqualTo(4096));
        Assert.That((lun.ThinProvisioning, lun.ReadOnly, lun.Removable), Is.EqualTo((true, true, true)));
        Assert.That((lun.Vendor, lun.Product, lun.Serial), Is.EqualTo(("V", "P", "S")));
        Assert.That(lun.AllowedInitiators, Is.EqualTo(new[] { "iqn.2026-11.io.statesave:i" }));
    }

    [Test]
    public void Defaults_are_portal_group_1_memory_512_byte_blocks_fully_provisioned()
    {
        ServerConfiguration configuration = ConfigurationLoader.Parse("""{ "portals": [ { "endPoint": "0.0.0.0" } ], "targets": [ { "name": "iqn.2026-11.a:b", "luns": [ { "size": "1MiB" } ] } ] }""");
        Assert.That(configuration.Portals[0].PortalGroupTag, Is.EqualTo(1));
        LunConfiguration lun = configuration.Targets[0].Luns[0];
        Assert.That((lun.Lun, lun.Backing, lun.BlockSize, lun.ThinProvisioning, lun.ReadOnly, lun.Removable),
            Is.EqualTo((0, BackingStoreKind.Memory, 512, false, false, false)));
        Assert.That(configuration.Targets[0].AllowedInitiators, Is.Null);
        Assert.That(configuration.Targets[0].PortalGroupTags, Is.Null);
    }

    [TestCase("""{ "portals": [], "targets": [], "extra": 1 }""", "configuration (line 1, column 41): The JSON property 'extra' could not be mapped to any .NET member contained in type 'StateSave.TargetServer.Configuration.ServerConfiguration'.")]
    [TestCase("{ \"portals\": [ { \"portalGroupTag\": \"one\" } ] }", "configuration (line 1, column 41): The JSON value could not be converted to System.Int32.")]
    [TestCase("""{ "targets": [ { "luns": [ { "backing": "tape" } ] } ] }""", "configuration (line 1, column 47): The JSON value could not be converted to StateSave.TargetServer.Configuration.BackingStoreKind.")]
    [TestCase("{ \"portals\": [ ", "configuration (line 1, column 16): Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.")]
    [TestCase("null", "configuration: the configuration is null, not an object")]
    public void Bad_json_is_one_line_saying_where(string json, string problem)
    {
        ConfigurationException exception = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Parse(json))!;
        Assert.That(exception.Problems, Is.EqualTo(new[] { problem }));
    }

    [Test]
    public void A_missing_file_is_reported_with_its_path()
    {
        string path = Path.Combine(Path.GetTempPath(), "statesave-no-such-config.json");
        ConfigurationException exception = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Load(path))!;
        Assert.That(exception.Problems, Is.EqualTo(new[] { $"{path}: the configuration file does not exist" }));
    }

    [Test]
    public void The_file_format_round_trips()
    {
        string path = Path.Combine(ConfigurationValidatorTests.RepositoryRoot(), "tests", "conformance", "target.json");
        ServerConfiguration configuration = ConfigurationLoader.Load(path);
        string again = ConfigurationLoader.Format(ConfigurationLoader.Parse(ConfigurationLoader.Format(configuration)));
        Assert.That(again, Is.EqualTo(ConfigurationLoader.Format(configuration)));
    }

    [TestCase("127.0.0.1:3260", "127.0.0.1", 3260)]
    [TestCase("10.1.1.27", "10.1.1.27", 3260)]
    [TestCase("[::1]:0", "::1", 0)]
    [TestCase("[fe80::1]", "fe80::1", 3260)]
    public void End_points_default_to_port_3260(string text, string address, int port)
    {
        Assert.That(EndPointSyntax.TryParse(text, out IPEndPoint? endPoint, out string? problem), Is.True, problem);
        Assert.That(endPoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse(address), port)));
    }

    [TestCase("4096", 4096L)]
    [TestCase("512B", 512L)]
    [TestCase("128MiB", 128L << 20)]
    [TestCase("1 GiB", 1L << 30)]
    [TestCase("2T", 2L << 40)]
    [TestCase("16kib", 16L << 10)]
    public void Sizes_take_binary_units(string text, long bytes)
    {
        Assert.That(SizeSyntax.TryParse(text, out long parsed, out string? problem), Is.True, problem);
        Assert.That(parsed, Is.EqualTo(bytes));
    }

    [TestCase("-1")]
    [TestCase("1.5GiB")]
    [TestCase("9999999999TiB")]
    [TestCase("GiB")]
    public void Bad_sizes_are_rejected(string text)
    {
        Assert.That(SizeSyntax.TryParse(text, out _, out string? problem), Is.False);
        Assert.That(problem, Is.EqualTo($"'{text}' is not a size (a whole number of bytes, or with KiB, MiB, GiB or TiB)"));
    }
}
