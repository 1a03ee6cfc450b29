namespace StateSave.Scsi.Tests;

/// <summary>Decoding sense data from other devices: lenient about lengths, never throwing.</summary>
public class SenseDataDecodeTests
{
    [Test]
    public void Fixed_format_with_additional_bytes_after_byte_17()
    {
        // ADDITIONAL SENSE LENGTH 0Eh: 22 bytes, the last four are additional sense bytes and are skipped.
        byte[] bytes = Hex.Bytes("70 00 06 00 00 00 00 0E 00 00 00 00 3F 0E 00 00 00 00 DE AD BE EF");

        Assert.That(SenseData.TryDecode(bytes, out SenseData sense), Is.True);
        Assert.That(sense, Is.EqualTo(SenseData.UnitAttention(AdditionalSenseCode.ReportedLunsDataHasChanged)));
    }

    [Test]
    public void Fixed_format_with_short_additional_sense_length_stops_there()
    {
        // ADDITIONAL SENSE LENGTH 06h: only bytes 0-13 count, so the SKSV byte after them is ignored.
        byte[] bytes = Hex.Bytes("70 00 05 00 00 00 00 06 00 00 00 00 20 00 00 C0 00 00");

        Assert.That(SenseData.TryDecode(bytes, out SenseData sense, out SenseDecodeError error), Is.True);
        Assert.That(error, Is.EqualTo(SenseDecodeError.None));
        Assert.That(sense.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.InvalidCommandOperationCode));
        Assert.That(sense.SenseKeySpecific.IsValid, Is.False);
    }

    [Test]
    public void Additional_sense_length_is_trusted_only_up_to_the_buffer()
    {
        // ADDITIONAL SENSE LENGTH F4h claims 252 bytes, but only 18 are there.
        byte[] bytes = Hex.Bytes("70 00 05 00 00 00 00 F4 00 00 00 00 24 00 00 C0 00 02");

        Assert.That(SenseData.TryDecode(bytes, out SenseData sense), Is.True);
        Assert.That(sense, Is.EqualTo(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, fieldPointer: 2)));
    }

    [Test]
    public void Fixed_format_cut_before_ASC_is_truncated_but_keeps_the_sense_key()
    {
        byte[] bytes = Hex.Bytes("70 00 02 00 00 00 00 0A 00 00 00 00 04");

        Assert.That(SenseData.TryDecode(bytes, out SenseData sense, out SenseDecodeError error), Is.False);
        Assert.That(error, Is.EqualTo(SenseDecodeError.Truncated));
        Assert.That(sense.SenseKey, Is.EqualTo(SenseKey.NotReady));
    }

    [Test]
    public void Descriptor_format_skips_unknown_descriptors()
    {
        // Vendor-specific descriptor type 80h with ADDITIONAL LENGTH 2, then the information descriptor.
        byte[] bytes = Hex.Bytes("72 03 11 00 00 00 00 10 80 02 AA BB 00 0A 80 00 00 00 00 00 00 00 00 2A");

        Assert.That(SenseData.TryDecode(bytes, out SenseData sense), Is.True);
        Assert.That(sense.Information, Is.EqualTo(0x2Aul));
        Assert.That(sense.SenseKey, Is.EqualTo(SenseKey.MediumError));
    }

    [Test]
    public void Descriptor_information_without_VALID_is_absent()
    {
        byte[] bytes = Hex.Bytes("72 03 11 00 00 00 00 0C 00 0A 00 00 00 00 00 00 00 00 00 2A");

        Assert.That(SenseData.TryDecode(bytes, out SenseData sense), Is.True);
        Assert.That(sense.Information, Is.Null);
    }

    [Test]
    public void Descriptor_cut_inside_a_descriptor_is_truncated_but_keeps_the_header()
    {
        // The information descriptor announces 10 more bytes; only 4 are there (buffer ends first).
        byte[] bytes = Hex.Bytes("72 03 11 00 00 00 00 0C 00 0A 80 00 00 00");

        Assert.That(SenseData.TryDecode(bytes, out SenseData sense, out SenseDecodeError error), Is.False);
        Assert.That(error, Is.EqualTo(SenseDecodeError.Truncated));
        Assert.That(sense.SenseKey, Is.EqualTo(SenseKey.MediumError));
        Assert.That(sense.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.UnrecoveredReadError));
    }

    [TestCase("", SenseDecodeError.Empty)]
    [TestCase("00", SenseDecodeError.UnknownResponseCode)]
    [TestCase("7F 00 05 00 00 00 00 0A 00 00 00 00 24 00 00 00 00 00", SenseDecodeError.UnknownResponseCode)]
    [TestCase("74 05 24 00 00 00 00 00", SenseDecodeError.UnknownResponseCode)]
    [TestCase("70", SenseDecodeError.Truncated)]
    [TestCase("72 05 24 00", SenseDecodeError.Truncated)]
    public void Bad_input_is_reported(string hex, SenseDecodeError expected)
    {
        Assert.That(SenseData.TryDecode(Hex.Bytes(hex), out _, out SenseDecodeError error), Is.False);
        Assert.That(error, Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(SenseDataEncodeTests), nameof(SenseDataEncodeTests.Vectors))]
    public void Every_prefix_of_a_vector_decodes_without_throwing(SenseData sense, string hex)
    {
        byte[] bytes = Hex.Bytes(hex);
        for (int length = 0; length <= bytes.Length; length++)
        {
            bool ok = SenseData.TryDecode(bytes.AsSpan(0, length), out SenseData decoded, out SenseDecodeError error);
            Assert.That(ok, Is.EqualTo(error == SenseDecodeError.None), $"length {length}");
            if (ok)
            {
                Assert.That(decoded.SenseKey, Is.EqualTo(sense.SenseKey), $"length {length}");
            }
        }
    }

    [Test]
    public void Random_garbage_never_throws()
    {
        var random = new Random(7143);
        byte[] buffer = new byte[300];
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length > 0 && (i & 1) == 0)
            {
                buffer[0] = (byte)(0x70 + random.Next(4)); // steer half the cases into the real formats
            }

            bool ok = SenseData.TryDecode(buffer.AsSpan(0, length), out SenseData sense, out SenseDecodeError error);
            Assert.That(ok, Is.EqualTo(error == SenseDecodeError.None));
            if (ok)
            {
                // Whatever decodes can be encoded again.
                Assert.That(sense.EncodedLength, Is.LessThanOrEqualTo(SenseData.MaximumLength));
                Assert.That(sense.TryEncode(new byte[SenseData.MaximumLength], out _), Is.True);
            }
        }
    }
}
