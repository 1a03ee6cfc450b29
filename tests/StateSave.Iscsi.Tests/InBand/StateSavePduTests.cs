using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Iscsi.Tests.InBand;

/// <summary>The in-band state-save PDUs refuse what specs/in-band-state-save.md §2 does not allow, each with its reason.</summary>
public class StateSavePduTests
{
    [Test]
    public void A_request_needs_the_F_bit_no_AHS_and_a_usable_tag()
    {
        VendorSpecificPdu good = new StateSaveRequestPdu { VendorTaskTag = 1 }.ToVendorSpecificPdu();
        VendorSpecificPdu noFinal = good;
        noFinal.Flags = 0;
        VendorSpecificPdu reservedTag = good;
        reservedTag.InitiatorTaskTag = ReservedTag.Value;
        VendorSpecificPdu withAhs = good;
        withAhs.AdditionalHeaderSegments = new(new byte[] { 0, 1, 0x3c, 0, 0, 0, 0, 0 });
        var otherOpcode = new VendorSpecificPdu(IscsiOpcode.VendorSpecificTarget3D) { Flags = 0x80, InitiatorTaskTag = 1 };

        Assert.Multiple(() =>
        {
            Assert.That(StateSaveRequestPdu.TryParse(good, out _, out string? none), Is.True, none);
            Assert.That(StateSaveRequestPdu.TryParse(noFinal, out _, out string? e1), Is.False);
            Assert.That(e1, Does.Contain("F bit"));
            Assert.That(StateSaveRequestPdu.TryParse(reservedTag, out _, out string? e2), Is.False);
            Assert.That(e2, Does.Contain("FFFFFFFFh"));
            Assert.That(StateSaveRequestPdu.TryParse(withAhs, out _, out string? e3), Is.False);
            Assert.That(e3, Does.Contain("AHS"));
            Assert.That(StateSaveRequestPdu.TryParse(otherOpcode, out _, out string? e4), Is.False);
            Assert.That(e4, Does.Contain("0x3d"));
        });
    }

    [Test]
    public void A_request_cdb_longer_than_16_bytes_is_refused_and_a_shorter_one_is_padded()
    {
        var request = new StateSaveRequestPdu();
        request.SetCdb(new byte[] { 0x9b, 0x1c, 0x10 });
        byte[] cdb = new byte[16];
        request.CopyCdbTo(cdb);
        Assert.That(cdb, Is.EqualTo(new byte[] { 0x9b, 0x1c, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }));
        Assert.That(() => request.SetCdb(new byte[17]), Throws.ArgumentException);
    }

    [Test]
    public void Data_refuses_S_without_F_status_without_S_reserved_bits_and_a_clear_I_bit()
    {
        VendorSpecificPdu good = new StateSaveDataPdu { Final = true, StatusPresent = true, Status = ScsiStatus.Good }.ToVendorSpecificPdu();
        VendorSpecificPdu statusWithoutFinal = new StateSaveDataPdu { StatusPresent = true }.ToVendorSpecificPdu();
        VendorSpecificPdu statusValueWithoutS = new StateSaveDataPdu { Status = ScsiStatus.CheckCondition }.ToVendorSpecificPdu();
        VendorSpecificPdu reservedBits = good;
        reservedBits.Flags |= 0x20;
        VendorSpecificPdu notImmediate = good;
        notImmediate.Immediate = false;

        Assert.Multiple(() =>
        {
            Assert.That(StateSaveDataPdu.TryParse(good, out _, out string? none), Is.True, none);
            Assert.That(StateSaveDataPdu.TryParse(statusWithoutFinal, out _, out string? e1), Is.False);
            Assert.That(e1, Does.Contain("S is set without F"));
            Assert.That(StateSaveDataPdu.TryParse(statusValueWithoutS, out _, out string? e2), Is.False);
            Assert.That(e2, Does.Contain("without S"));
            Assert.That(StateSaveDataPdu.TryParse(reservedBits, out _, out string? e3), Is.False);
            Assert.That(e3, Does.Contain("reserved"));
            Assert.That(StateSaveDataPdu.TryParse(notImmediate, out _, out string? e4), Is.False);
            Assert.That(e4, Does.Contain("I bit"));
        });
    }

    [Test]
    public void Sixty_four_bit_fields_keep_both_halves()
    {
        var request = new StateSaveRequestPdu { FailureId = 0xfedcba9876543210 };
        var data = new StateSaveDataPdu { BufferOffset = 0x8000_0000_0000_0001 };
        Assert.That(request.FailureId, Is.EqualTo(0xfedcba9876543210));
        Assert.That(data.BufferOffset, Is.EqualTo(0x8000_0000_0000_0001));
    }
}
