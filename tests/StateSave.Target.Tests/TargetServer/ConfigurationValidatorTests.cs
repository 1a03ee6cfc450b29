using StateSave.TargetServer.Configuration;

namespace StateSave.Target.Tests.TargetServer;

public class ConfigurationValidatorTests
{
    private const string Target = "iqn.2026-11.io.statesave:test";
    private const string Initiator = "iqn.2026-11.io.statesave:initiator";

    [Test]
    public void A_minimal_configuration_is_valid()
    {
        Assert.That(ConfigurationValidator.Validate(Minimal()), Is.Empty);
    }

    [Test]
    public void The_conformance_configuration_is_valid()
    {
        string path = Path.Combine(RepositoryRoot(), "tests", "conformance", "target.json");
        Assert.That(ConfigurationValidator.Validate(ConfigurationLoader.Load(path)), Is.Empty);
    }

    [Test]
    public void No_portals_and_no_targets_are_both_reported()
    {
        Assert.That(ConfigurationValidator.Validate(new ServerConfiguration()), Is.EqualTo(new[]
        {
            "portals: at least one portal is required",
            "targets: at least one target is required",
        }));
    }

    [TestCase("", "portals[0].endPoint: an address is required")]
    [TestCase("localhost:3260", "portals[0].endPoint: 'localhost' is not an IPv4 or IPv6 address")]
    [TestCase("127.0.0.1:65536", "portals[0].endPoint: '65536' is not a TCP port (0-65535)")]
    [TestCase("::1", "portals[0].endPoint: '::1': write an IPv6 address in brackets, e.g. [::1]:3260")]
    [TestCase("[::1", "portals[0].endPoint: '[::1' has no ']' closing the IPv6 address")]
    public void A_bad_portal_address_says_why(string endPoint, string problem)
    {
        ServerConfiguration configuration = Minimal();
        configuration.Portals[0].EndPoint = endPoint;
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[] { problem }));
    }

    [Test]
    public void The_same_portal_twice_is_reported_but_two_free_ports_are_not()
    {
        ServerConfiguration configuration = Minimal();
        configuration.Portals.Add(new PortalConfiguration { EndPoint = "127.0.0.1:3260" });
        configuration.Portals.Add(new PortalConfiguration { EndPoint = "127.0.0.1:0" });
        configuration.Portals.Add(new PortalConfiguration { EndPoint = "127.0.0.1:0" });
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[] { "portals[1].endPoint: 127.0.0.1:3260 is configured twice" }));
    }

    [TestCase(0)]
    [TestCase(65536)]
    public void A_portal_group_tag_is_1_to_65535(int tag)
    {
        ServerConfiguration configuration = Minimal();
        configuration.Portals[0].PortalGroupTag = tag;
        Assert.That(ConfigurationValidator.Validate(configuration), Does.Contain($"portals[0].portalGroupTag: {tag} is not a portal group tag (1-65535)"));
    }

    [Test]
    public void A_target_in_a_portal_group_without_portals_is_reported()
    {
        ServerConfiguration configuration = Minimal();
        configuration.Targets[0].PortalGroupTags = [2];
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[] { "targets[0].portalGroupTags[0]: no portal is in portal group 2" }));
    }

    [Test]
    public void Target_names_must_be_iscsi_names_and_unique()
    {
        ServerConfiguration configuration = Minimal();
        configuration.Targets.Add(Minimal().Targets[0]);
        configuration.Targets.Add(new TargetConfiguration { Name = "Target1", Luns = [Lun(0)] });
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[]
        {
            $"targets[1].name: target '{Target}' is configured twice",
            "targets[2].name: 'Target1' is not an iSCSI name: the name does not start with iqn., eui. or naa.",
        }));
    }

    [Test]
    public void Chap_needs_a_name_a_long_secret_and_a_different_mutual_secret()
    {
        ServerConfiguration configuration = Minimal();
        configuration.Targets[0].Chap = new ChapConfiguration { Secret = "short", MutualUsername = "target", MutualSecret = "short" };
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[]
        {
            "targets[0].chap.username: required with CHAP",
            "targets[0].chap.secret: required with CHAP, at least 12 characters (RFC 7143 §12.1.3)",
            "targets[0].chap.mutualSecret: at least 12 characters (RFC 7143 §12.1.3)",
        }));

        configuration.Targets[0].Chap = new ChapConfiguration { Username = "u", Secret = "123456789012", MutualUsername = "t", MutualSecret = "123456789012" };
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[] { "targets[0].chap.mutualSecret: must differ from secret (RFC 7143 §12.1.3)" }));

        configuration.Targets[0].Chap = new ChapConfiguration { Username = "u", Secret = "123456789012", MutualUsername = "t" };
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[] { "targets[0].chap: mutual CHAP needs both mutualUsername and mutualSecret" }));
    }

    [Test]
    public void A_target_needs_a_lun_and_lun_numbers_are_0_to_16383_and_unique()
    {
        ServerConfiguration configuration = Minimal();
        configuration.Targets[0].Luns = [Lun(0), Lun(0), Lun(16384), Lun(-1)];
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[]
        {
            "targets[0].luns[1].lun: LUN 0 is configured twice",
            "targets[0].luns[2].lun: 16384 is not a logical unit number (0-16383)",
            "targets[0].luns[3].lun: -1 is not a logical unit number (0-16383)",
        }));

        configuration.Targets[0].Luns = [];
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[] { "targets[0].luns: at least one logical unit is required" }));
    }

    [TestCase(null, 512, "targets[0].luns[0].size: a size is required (e.g. \"128MiB\")")]
    [TestCase("12 apples", 512, "targets[0].luns[0].size: '12 apples' is not a size (a whole number of bytes, or with KiB, MiB, GiB or TiB)")]
    [TestCase("1000", 512, "targets[0].luns[0].size: 1000 bytes is not a positive multiple of the block size 512")]
    [TestCase("0", 512, "targets[0].luns[0].size: 0 bytes is not a positive multiple of the block size 512")]
    [TestCase("1MiB", 520, "targets[0].luns[0].blockSize: 520 is not one of 512, 4096")]
    [TestCase("1MiB", 1024, "targets[0].luns[0].blockSize: 1024 is not one of 512, 4096")]
    public void Size_and_block_size_are_checked(string? size, int blockSize, string problem)
    {
        ServerConfiguration configuration = Minimal();
        configuration.Targets[0].Luns[0].Size = size;
        configuration.Targets[0].Luns[0].BlockSize = blockSize;
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[] { problem }));
    }

    [Test]
    public void A_sparse_file_needs_a_path_and_memory_has_none()
    {
        ServerConfiguration configuration = Minimal();
        configuration.Targets[0].Luns = [Lun(0), Lun(1)];
        configuration.Targets[0].Luns[0].Backing = BackingStoreKind.SparseFile;
        configuration.Targets[0].Luns[1].Path = "/tmp/lun1.img";
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[]
        {
            "targets[0].luns[0].path: a sparseFile backing store needs a path",
            "targets[0].luns[1].path: only a sparseFile backing store has a path",
        }));
    }

    [Test]
    public void Inquiry_identification_is_printable_ascii_of_the_field_length()
    {
        ServerConfiguration configuration = Minimal();
        LunConfiguration lun = configuration.Targets[0].Luns[0];
        lun.Vendor = "VENDOR123";
        lun.Product = "PRODUCT\u00e9";
        lun.Serial = "";
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[]
        {
            "targets[0].luns[0].vendor: 'VENDOR123' is not 1-8 printable ASCII characters",
            "targets[0].luns[0].product: 'PRODUCT\u00e9' is not 1-16 printable ASCII characters",
            "targets[0].luns[0].serial: '' is not 1-64 printable ASCII characters",
        }));
    }

    [Test]
    public void Lun_masking_names_initiators_the_target_admits()
    {
        ServerConfiguration configuration = Minimal();
        configuration.Targets[0].AllowedInitiators = [Initiator];
        configuration.Targets[0].Luns[0].AllowedInitiators = [Initiator, "iqn.2026-11.io.statesave:other", "bad name"];
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[]
        {
            "targets[0].luns[0].allowedInitiators[2]: 'bad name' is not an iSCSI name: the name does not start with iqn., eui. or naa.",
            "targets[0].luns[0].allowedInitiators: 'iqn.2026-11.io.statesave:other' may not log in to the target (not in its allowedInitiators)",
            "targets[0].luns[0].allowedInitiators: 'bad name' may not log in to the target (not in its allowedInitiators)",
        }));
    }

    [Test]
    public void Lun_masking_needs_the_targets_initiator_list()
    {
        ServerConfiguration configuration = Minimal();
        configuration.Targets[0].Luns[0].AllowedInitiators = [Initiator];
        Assert.That(ConfigurationValidator.Validate(configuration), Is.EqualTo(new[]
        {
            "targets[0].luns[0].allowedInitiators: LUN masking needs the target's allowedInitiators (initiators not listed there would see every LUN)",
        }));
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StateSave.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("StateSave.sln not found above the test directory.");
    }

    private static ServerConfiguration Minimal() => new()
    {
        Portals = [new PortalConfiguration { EndPoint = "127.0.0.1:3260" }],
        Targets = [new TargetConfiguration { Name = Target, Luns = [Lun(0)] }],
    };

    private static LunConfiguration Lun(int number) => new() { Lun = number, Size = "1MiB" };
}
