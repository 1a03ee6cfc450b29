using System.Reflection;

namespace StateSave.Scsi.Tests;

public class AdditionalSenseCodeTests
{
    private static IEnumerable<PropertyInfo> NamedCodes() =>
        typeof(AdditionalSenseCode).GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(AdditionalSenseCode));

    [TestCase(0x24, 0x00, "INVALID FIELD IN CDB")]
    [TestCase(0x29, 0x07, "I_T NEXUS LOSS OCCURRED")]
    [TestCase(0x04, 0x0b, "LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE")]
    [TestCase(0x47, 0x05, "PROTOCOL SERVICE CRC ERROR")]
    public void Description_gives_the_standard_text(int asc, int ascq, string text)
    {
        Assert.That(new AdditionalSenseCode((byte)asc, (byte)ascq).Description, Is.EqualTo(text));
    }

    [Test]
    public void Unknown_codes_have_no_description_but_format_as_hex()
    {
        var code = new AdditionalSenseCode(0x80, 0x01);
        Assert.That(code.Description, Is.Null);
        Assert.That(code.IsVendorSpecific, Is.True);
        Assert.That(code.ToString(), Is.EqualTo("80h/01h"));
    }

    [Test]
    public void Every_named_code_has_a_description_and_a_distinct_value()
    {
        var seen = new Dictionary<ushort, string>();
        foreach (PropertyInfo property in NamedCodes())
        {
            var code = (AdditionalSenseCode)property.GetValue(null)!;
            Assert.That(code.Description, Is.Not.Null, property.Name);
            Assert.That(seen.TryAdd(code.Value, property.Name), Is.True, $"{property.Name} repeats {seen.GetValueOrDefault(code.Value)}");
        }

        Assert.That(seen, Has.Count.GreaterThan(60));
    }

    [Test]
    public void Value_packs_ASC_high_and_ASCQ_low()
    {
        Assert.That(AdditionalSenseCode.ReportedLunsDataHasChanged.Value, Is.EqualTo(0x3f0e));
        Assert.That(AdditionalSenseCode.FromValue(0x2a06), Is.EqualTo(AdditionalSenseCode.AsymmetricAccessStateChanged));
        Assert.That(AdditionalSenseCode.InvalidFieldInCdb.ToString(), Is.EqualTo("24h/00h INVALID FIELD IN CDB"));
    }
}
