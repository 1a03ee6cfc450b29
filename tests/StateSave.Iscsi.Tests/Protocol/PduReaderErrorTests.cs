using System.Buffers;
using System.IO.Pipelines;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Tests.TestSupport;

namespace StateSave.Iscsi.Tests.Protocol;

/// <summary>Every kind of bad input gets a typed error that names the problem and the RFC's answer.</summary>
public class PduReaderErrorTests
{
    private static byte[] NopOut(DigestOptions digests, int dataLength = 5)
    {
        var writer = new ArrayBufferWriter<byte>();
        IscsiPduWriter.Write(writer, new NopOutPdu { InitiatorTaskTag = 1, DataSegment = new(new byte[dataLength]) }, digests);
        return writer.WrittenSpan.ToArray();
    }

    private static IscsiProtocolException ReadExpectingError(byte[] wire, PduReaderOptions options)
    {
        var buffer = new ReadOnlySequence<byte>(wire);
        long before = buffer.Length;
        var error = Assert.Throws<IscsiProtocolException>(() => IscsiPduReader.TryRead(ref buffer, options, out _))!;
        Assert.That(buffer.Length, Is.EqualTo(before), "the reader leaves the buffer for the connection layer to skip or close");
        Assert.That(error.Message, Is.Not.Empty);
        return error;
    }

    [Test]
    public void DataSegmentOverTheDeclaredLimitIsRefusedBeforeItsDataArrives()
    {
        byte[] wire = NopOut(DigestOptions.None, dataLength: 8193);
        // Only the BHS has arrived: the declared length alone is enough to refuse it.
        byte[] headerOnly = wire[..48];
        var options = new PduReaderOptions { MaxRecvDataSegmentLength = 8192, Direction = PduDirection.FromInitiator };

        IscsiProtocolException error = ReadExpectingError(headerOnly, options);

        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.DataSegmentTooLong));
        Assert.That(error.Action, Is.EqualTo(ProtocolErrorAction.Reject));
        Assert.That(error.RejectReason, Is.EqualTo(RejectReason.ProtocolError));
        Assert.That(error.BytesToSkip, Is.EqualTo(48 + 8196), "the PDU is still framed, so it can be skipped");
        Assert.That(error.OffendingHeader.ToArray(), Is.EqualTo(headerOnly));
        Assert.That(error.Message, Does.Contain("8193").And.Contain("8192"));
    }

    [Test]
    public void MaximumDeclaredLengthIsHonouredAtTheBoundary()
    {
        byte[] wire = NopOut(DigestOptions.None, dataLength: 8192);
        var buffer = new ReadOnlySequence<byte>(wire);
        Assert.That(IscsiPduReader.TryRead(ref buffer, new PduReaderOptions { MaxRecvDataSegmentLength = 8192 }, out IscsiPdu pdu), Is.True);
        Assert.That(pdu.DataSegment.Length, Is.EqualTo(8192));
    }

    [TestCase((byte)0x07)]
    [TestCase((byte)0x0f)]
    [TestCase((byte)0x11)]
    [TestCase((byte)0x1b)]
    [TestCase((byte)0x1f)]
    [TestCase((byte)0x27)]
    [TestCase((byte)0x30)]
    [TestCase((byte)0x3b)]
    public void ReservedOpcodeIsRejectedAsCommandNotSupported(byte opcode)
    {
        byte[] wire = NopOut(DigestOptions.None);
        wire[0] = opcode;

        IscsiProtocolException error = ReadExpectingError(wire, PduVectorTests.Options(DigestOptions.None));

        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.ReservedOpcode));
        Assert.That(error.Action, Is.EqualTo(ProtocolErrorAction.Reject));
        Assert.That(error.RejectReason, Is.EqualTo(RejectReason.CommandNotSupported));
        Assert.That(error.BytesToSkip, Is.EqualTo(wire.Length));
    }

    [Test]
    public void TargetOpcodeSentToATargetIsAProtocolError()
    {
        var writer = new ArrayBufferWriter<byte>();
        IscsiPduWriter.Write(writer, new NopInPdu { TargetTransferTag = 1 });
        var options = new PduReaderOptions { Direction = PduDirection.FromInitiator };

        IscsiProtocolException error = ReadExpectingError(writer.WrittenSpan.ToArray(), options);

        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.UnexpectedOpcode));
        Assert.That(error.RejectReason, Is.EqualTo(RejectReason.ProtocolError));
    }

    [Test]
    public void AhsEntryRunningPastTotalAhsLengthIsRejected()
    {
        // A SCSI Command whose TotalAHSLength is 2 words (8 bytes) but whose single AHS claims AHSLength 17
        // (an Extended CDB AHS of 20 padded bytes): the AHS runs past the space the header declares.
        byte[] wire = Hex.Parse("""
            01 80 00 00  02 00 00 00  00 00 00 00 00 00 00 00  00 00 00 01  00 00 00 00  00 00 00 01  00 00 00 00
            7f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            00 11 01 00  01 02 03 04
            """);

        IscsiProtocolException error = ReadExpectingError(wire, PduVectorTests.Options(DigestOptions.None));

        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.InvalidAdditionalHeaderSegment));
        Assert.That(error.Action, Is.EqualTo(ProtocolErrorAction.Reject));
        Assert.That(error.BytesToSkip, Is.EqualTo(wire.Length));
    }

    [Test]
    public void AhsWithZeroLengthIsRejected()
    {
        byte[] wire = Hex.Parse("""
            01 80 00 00  01 00 00 00  00 00 00 00 00 00 00 00  00 00 00 01  00 00 00 00  00 00 00 01  00 00 00 00
            28 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            00 00 01 00
            """);
        Assert.That(ReadExpectingError(wire, PduVectorTests.Options(DigestOptions.None)).Error, Is.EqualTo(ProtocolErrorCode.InvalidAdditionalHeaderSegment));
    }

    [Test]
    public void TotalAhsLengthRunningPastTheEndOfTheStreamIsATruncatedPdu()
    {
        // TotalAHSLength says 255 words follow, but the stream ends after the BHS.
        byte[] wire = NopOut(DigestOptions.None, dataLength: 0);
        wire[4] = 0xFF;
        var pipe = new Pipe();
        pipe.Writer.Write(wire);
        pipe.Writer.Complete();

        var error = Assert.ThrowsAsync<IscsiProtocolException>(async () =>
            await IscsiPduReader.ReadAsync(pipe.Reader, PduVectorTests.Options(DigestOptions.None)))!;
        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.TruncatedPdu));
        Assert.That(error.Action, Is.EqualTo(ProtocolErrorAction.CloseConnection));
    }

    [Test]
    public void HeaderDigestMismatchClosesTheConnection()
    {
        byte[] wire = NopOut(DigestOptions.Both);
        wire[49] ^= 0x01; // a bit of the header digest

        IscsiProtocolException error = ReadExpectingError(wire, PduVectorTests.Options(DigestOptions.Both));

        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.HeaderDigestError));
        Assert.That(error.Action, Is.EqualTo(ProtocolErrorAction.CloseConnection), "lengths in a corrupt header cannot be trusted (RFC 7143 §7.8)");
        Assert.That(error.BytesToSkip, Is.Zero);
    }

    [Test]
    public void CorruptHeaderFieldIsCaughtByTheHeaderDigestBeforeItsLengthIsUsed()
    {
        byte[] wire = NopOut(DigestOptions.Both);
        wire[5] = 0xFF; // DataSegmentLength corrupted in flight to ~16 MiB

        IscsiProtocolException error = ReadExpectingError(wire, PduVectorTests.Options(DigestOptions.Both));

        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.HeaderDigestError));
    }

    [Test]
    public void DataDigestMismatchIsRejectedAndThePduSkipped()
    {
        byte[] wire = NopOut(DigestOptions.Both);
        wire[52] ^= 0x80; // first data byte

        IscsiProtocolException error = ReadExpectingError(wire, PduVectorTests.Options(DigestOptions.Both));

        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.DataDigestError));
        Assert.That(error.Action, Is.EqualTo(ProtocolErrorAction.Reject));
        Assert.That(error.RejectReason, Is.EqualTo(RejectReason.DataDigestError));
        Assert.That(error.BytesToSkip, Is.EqualTo(wire.Length));
    }

    [Test]
    public void CorruptPaddingIsCaughtByTheDataDigest()
    {
        byte[] wire = NopOut(DigestOptions.Both); // 5 data bytes, 3 padding bytes
        wire[52 + 6] = 0x55;
        Assert.That(ReadExpectingError(wire, PduVectorTests.Options(DigestOptions.Both)).Error, Is.EqualTo(ProtocolErrorCode.DataDigestError));
    }

    [Test]
    public async Task AfterSkippingARejectedPduTheNextOneIsRead()
    {
        byte[] bad = NopOut(DigestOptions.None, dataLength: 9000);
        byte[] good = NopOut(DigestOptions.None, dataLength: 4);
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bad.Concat(good).ToArray());
        await pipe.Writer.CompleteAsync();
        var options = new PduReaderOptions { MaxRecvDataSegmentLength = 8192 };

        var error = Assert.ThrowsAsync<IscsiProtocolException>(async () => await IscsiPduReader.ReadAsync(pipe.Reader, options))!;
        await IscsiPduReader.SkipAsync(pipe.Reader, error.BytesToSkip);
        (bool read, IscsiPdu pdu, SequencePosition consumed) = await IscsiPduReader.ReadAsync(pipe.Reader, options);

        Assert.That(read, Is.True);
        Assert.That(pdu.DataSegment.Length, Is.EqualTo(4));
        pipe.Reader.AdvanceTo(consumed);
        (bool more, _, _) = await IscsiPduReader.ReadAsync(pipe.Reader, options);
        Assert.That(more, Is.False, "clean end of stream");
    }

    [Test]
    public void StreamEndingInsideTheDataSegmentIsATruncatedPdu()
    {
        byte[] wire = NopOut(DigestOptions.None, dataLength: 100);
        var pipe = new Pipe();
        pipe.Writer.Write(wire.AsSpan(0, 80));
        pipe.Writer.Complete();

        var error = Assert.ThrowsAsync<IscsiProtocolException>(async () =>
            await IscsiPduReader.ReadAsync(pipe.Reader, PduVectorTests.Options(DigestOptions.None)))!;
        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.TruncatedPdu));
        Assert.That(error.Message, Does.Contain("80"));
    }

    private static IEnumerable<TestCaseData> InvalidFields()
    {
        static TestCaseData Case(string name, string hex, Func<IscsiPdu, object> parse) =>
            new TestCaseData(Hex.Parse(hex), parse).SetArgDisplayNames(name);

        const string Tail32 = "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00";
        yield return Case("Login with T and C both set", "43 c7 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<LoginRequestPdu>());
        yield return Case("Login with reserved CSG 2", "43 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<LoginRequestPdu>());
        yield return Case("Login with reserved NSG 2", "43 86 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<LoginRequestPdu>());
        yield return Case("Text with F and C both set", "04 c0 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<TextRequestPdu>());
        yield return Case("NOP-Out without F", "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<NopOutPdu>());
        yield return Case("Logout with reserved reason 5", "06 85 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<LogoutRequestPdu>());
        yield return Case("SNACK with reserved type 9", "10 89 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<SnackRequestPdu>());
        yield return Case("Data-In with S but not F", "25 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<ScsiDataInPdu>());
        yield return Case("Data-In with O and U", "25 86 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<ScsiDataInPdu>());
        yield return Case("SCSI Response with O and U", "21 86 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<ScsiResponsePdu>());
        yield return Case("R2T with Desired Data Transfer Length 0", "31 80 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " + Tail32, p => p.As<ReadyToTransferPdu>());
        yield return Case("Reject without the rejected header", "3f 80 04 00 00 00 00 04 00 00 00 00 00 00 00 00 " + Tail32 + " 00 00 00 00", p => p.As<RejectPdu>());
        yield return Case("TMF Request with a data segment", "02 81 00 00 00 00 00 04 00 00 00 00 00 00 00 00 " + Tail32 + " 01 02 03 04", p => p.As<TaskManagementFunctionRequestPdu>());
        yield return Case("NOP-Out with an AHS", "00 80 00 00 01 00 00 00 00 00 00 00 00 00 00 00 " + Tail32 + " 00 01 3c 00", p => p.As<NopOutPdu>());
    }

    [TestCaseSource(nameof(InvalidFields))]
    public void InvalidFieldsAreRejectedWithInvalidPduField(byte[] wire, Func<IscsiPdu, object> parse)
    {
        var buffer = new ReadOnlySequence<byte>(wire);
        Assert.That(IscsiPduReader.TryRead(ref buffer, PduVectorTests.Options(DigestOptions.None), out IscsiPdu pdu), Is.True, "framing is fine");

        var error = Assert.Throws<IscsiProtocolException>(() => parse(pdu))!;

        Assert.That(error.Error, Is.EqualTo(ProtocolErrorCode.InvalidField));
        Assert.That(error.Action, Is.EqualTo(ProtocolErrorAction.Reject));
        Assert.That(error.RejectReason, Is.EqualTo(RejectReason.InvalidPduField));
        Assert.That(error.OffendingHeader.ToArray(), Is.EqualTo(wire[..48]));
    }

    [Test]
    public void RandomBytesNeverEscapeAsAnythingButProtocolErrors()
    {
        var random = new Random(20261126);
        byte[] wire = new byte[600];
        var options = new PduReaderOptions { Digests = DigestOptions.None, MaxRecvDataSegmentLength = 512 };
        for (int i = 0; i < 20000; i++)
        {
            random.NextBytes(wire);
            var buffer = new ReadOnlySequence<byte>(wire, 0, random.Next(0, wire.Length));
            try
            {
                if (IscsiPduReader.TryRead(ref buffer, options, out IscsiPdu pdu))
                {
                    DecodeAsItsType(pdu);
                }
            }
            catch (IscsiProtocolException)
            {
                // The expected outcome for most random headers.
            }
        }
    }

    private static void DecodeAsItsType(in IscsiPdu pdu)
    {
        _ = pdu.Opcode switch
        {
            IscsiOpcode.NopOut => (object)pdu.As<NopOutPdu>(),
            IscsiOpcode.ScsiCommand => pdu.As<ScsiCommandPdu>(),
            IscsiOpcode.TaskManagementFunctionRequest => pdu.As<TaskManagementFunctionRequestPdu>(),
            IscsiOpcode.LoginRequest => pdu.As<LoginRequestPdu>(),
            IscsiOpcode.TextRequest => pdu.As<TextRequestPdu>(),
            IscsiOpcode.ScsiDataOut => pdu.As<ScsiDataOutPdu>(),
            IscsiOpcode.LogoutRequest => pdu.As<LogoutRequestPdu>(),
            IscsiOpcode.SnackRequest => pdu.As<SnackRequestPdu>(),
            IscsiOpcode.NopIn => pdu.As<NopInPdu>(),
            IscsiOpcode.ScsiResponse => pdu.As<ScsiResponsePdu>(),
            IscsiOpcode.TaskManagementFunctionResponse => pdu.As<TaskManagementFunctionResponsePdu>(),
            IscsiOpcode.LoginResponse => pdu.As<LoginResponsePdu>(),
            IscsiOpcode.TextResponse => pdu.As<TextResponsePdu>(),
            IscsiOpcode.ScsiDataIn => pdu.As<ScsiDataInPdu>(),
            IscsiOpcode.LogoutResponse => pdu.As<LogoutResponsePdu>(),
            IscsiOpcode.ReadyToTransfer => pdu.As<ReadyToTransferPdu>(),
            IscsiOpcode.AsynchronousMessage => pdu.As<AsynchronousMessagePdu>(),
            IscsiOpcode.Reject => pdu.As<RejectPdu>(),
            _ => pdu.As<VendorSpecificPdu>(),
        };
    }
}
