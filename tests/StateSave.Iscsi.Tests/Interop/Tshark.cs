using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;

namespace StateSave.Iscsi.Tests.Interop;

/// <summary>
/// Runs Wireshark's command-line decoder on a capture and returns its dissection as PDML (one XML element per
/// packet, one per field, with the field's filter name, displayed value, display text and raw bytes).
/// </summary>
public static class Tshark
{
    /// <summary>Optional full path of the tshark executable (default: the first "tshark" on PATH).</summary>
    public const string PathVariable = "STATESAVE_TSHARK";

    /// <summary>Finds tshark, or skips (fails when <see cref="Peers.RequirePeersVariable"/> is 1) with how to install it.</summary>
    public static string FindOrIgnore()
    {
        string? path = Find();
        if (path is not null)
        {
            return path;
        }

        const string message = "tshark (Wireshark's command-line decoder) was not found on PATH; install the Debian/Ubuntu package "
            + "`tshark` (apt-get install tshark) or set " + PathVariable + " to its full path.";
        Peers.Missing(message);
        return null!; // unreachable: Peers.Missing throws
    }

    private static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return OperatingSystem.IsWindows()
            ? Peers.FindOnPath("tshark.exe", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "Wireshark"))
            : Peers.FindOnPath("tshark");
    }

    /// <summary>
    /// Runs <c>tshark -r <paramref name="capture"/> -T pdml</c> with the given extra arguments and an empty personal
    /// configuration directory (so a developer's own Wireshark preferences cannot change the result).
    /// </summary>
    public static IReadOnlyList<PdmlPacket> DecodeToPdml(string tshark, string capture, string configDirectory, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(tshark)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-n"); // no name resolution
        startInfo.ArgumentList.Add("-r");
        startInfo.ArgumentList.Add(capture);
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.ArgumentList.Add("-T");
        startInfo.ArgumentList.Add("pdml");
        startInfo.Environment["WIRESHARK_CONFIG_DIR"] = configDirectory;

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {tshark}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"tshark did not finish within {timeout.TotalSeconds} s.");
        }

        process.WaitForExit(); // lets the output readers reach end of stream
        string output = stdout.GetAwaiter().GetResult();
        string errors = stderr.GetAwaiter().GetResult();
        Assert.That(process.ExitCode, Is.Zero, $"tshark failed: {errors}");
        return ParsePdml(output);
    }

    public static IReadOnlyList<PdmlPacket> ParsePdml(string pdml)
    {
        XDocument document = XDocument.Parse(pdml);
        return document.Root!.Elements("packet").Select(PdmlPacket.From).ToList();
    }

    /// <summary>Reads a PDML "show" value as a number: "0x…" is hexadecimal, anything else decimal.</summary>
    public static ulong ParseNumber(string show) =>
        show.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(show.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : ulong.Parse(show, NumberStyles.None, CultureInfo.InvariantCulture);
}

/// <summary>One PDML field: filter name (empty for text-only items), shown value, display text and raw hex bytes.</summary>
public sealed record PdmlField(string Name, string Show, string ShowName, string Value)
{
    internal static PdmlField From(XElement element) => new(
        (string?)element.Attribute("name") ?? string.Empty,
        (string?)element.Attribute("show") ?? string.Empty,
        (string?)element.Attribute("showname") ?? string.Empty,
        (string?)element.Attribute("value") ?? string.Empty);

    public override string ToString() => $"{Name}={Show} ({ShowName})";
}

/// <summary>One iSCSI PDU as Wireshark dissected it.</summary>
public sealed class PdmlIscsiPdu
{
    internal PdmlIscsiPdu(IReadOnlyList<PdmlField> fields, IReadOnlyList<PdmlField> nestedFields)
    {
        Fields = fields;
        NestedFields = nestedFields;
    }

    /// <summary>The PDU's fields (not those of a header nested in it, e.g. a Reject's rejected header).</summary>
    public IReadOnlyList<PdmlField> Fields { get; }

    /// <summary>Fields of an iSCSI header Wireshark dissected inside this PDU (a Reject's data segment).</summary>
    public IReadOnlyList<PdmlField> NestedFields { get; }

    public IEnumerable<PdmlField> All(string name) => Fields.Where(f => f.Name == name);

    public PdmlField? Single(string name)
    {
        List<PdmlField> matches = All(name).ToList();
        Assert.That(matches, Has.Count.LessThanOrEqualTo(1), $"Wireshark shows {name} more than once: {string.Join(", ", matches)}");
        return matches.FirstOrDefault();
    }
}

/// <summary>One packet of a PDML document.</summary>
public sealed class PdmlPacket
{
    private PdmlPacket(int frameNumber, IReadOnlyList<PdmlField> fields, IReadOnlyList<PdmlIscsiPdu> iscsi, IReadOnlyList<string> protocols)
    {
        FrameNumber = frameNumber;
        Fields = fields;
        Iscsi = iscsi;
        Protocols = protocols;
    }

    public int FrameNumber { get; }

    /// <summary>Every named field of the packet, at any depth (checksums, TCP analysis, expert info…).</summary>
    public IReadOnlyList<PdmlField> Fields { get; }

    /// <summary>The iSCSI PDUs Wireshark found in the packet.</summary>
    public IReadOnlyList<PdmlIscsiPdu> Iscsi { get; }

    /// <summary>Names of the packet's top-level protocol elements (e.g. "_ws.malformed" when dissection failed).</summary>
    public IReadOnlyList<string> Protocols { get; }

    /// <summary>Expert infos as (severity, message); severity is Wireshark's PI_ level (warning 0x600000, error 0x800000).</summary>
    public IEnumerable<(uint Severity, string Message)> ExpertInfos =>
        Fields.Where(f => f.Name == "_ws.expert.severity").Zip(Fields.Where(f => f.Name == "_ws.expert.message"),
            (severity, message) => ((uint)Tshark.ParseNumber(severity.Show), message.Show));

    public IEnumerable<PdmlField> All(string name) => Fields.Where(f => f.Name == name);

    internal static PdmlPacket From(XElement packet)
    {
        var fields = packet.Descendants("field").Select(PdmlField.From).Where(f => f.Name.Length > 0).ToList();
        int frameNumber = int.Parse(fields.First(f => f.Name == "num").Show, CultureInfo.InvariantCulture);

        // PDML puts an iSCSI PDU's fields in its <proto name="iscsi"> element, except that some (the flags
        // subtree) land in a sibling "fake-field-wrapper" proto. Fields are assigned to the PDU they follow.
        var pdus = new List<(List<PdmlField> Fields, List<PdmlField> Nested)>();
        foreach (XElement proto in packet.Elements("proto"))
        {
            string name = (string?)proto.Attribute("name") ?? string.Empty;
            if (name == "iscsi")
            {
                pdus.Add(([], []));
                Collect(proto, pdus[^1].Fields, pdus[^1].Nested);
            }
            else if (name == "fake-field-wrapper" && pdus.Count > 0)
            {
                Collect(proto, pdus[^1].Fields, pdus[^1].Nested);
            }
        }

        var protocols = packet.Elements("proto").Select(p => (string?)p.Attribute("name") ?? string.Empty).ToList();
        return new PdmlPacket(frameNumber, fields, pdus.Select(p => new PdmlIscsiPdu(p.Fields, p.Nested)).ToList(), protocols);
    }

    private static void Collect(XElement parent, List<PdmlField> fields, List<PdmlField> nested)
    {
        foreach (XElement child in parent.Elements())
        {
            if (child.Name == "proto" && (string?)child.Attribute("name") == "iscsi")
            {
                nested.AddRange(child.Descendants("field").Select(PdmlField.From).Where(f => f.Name.Length > 0));
                continue;
            }

            if (child.Name == "field")
            {
                fields.Add(PdmlField.From(child));
            }

            Collect(child, fields, nested);
        }
    }
}
