using System.Globalization;

namespace StateSave.Scsi;

/// <summary>
/// An ADDITIONAL SENSE CODE and ADDITIONAL SENSE CODE QUALIFIER pair (SPC-5 §4.4.1; code assignments in
/// the SPC-5 annex "ASC and ASCQ assignments"). Named values cover what a block target and the iSCSI
/// layer report (RFC 7143 §11.4.7.2). <see cref="Description"/> gives the standard text for logs.
/// </summary>
/// <param name="Asc">ADDITIONAL SENSE CODE.</param>
/// <param name="Ascq">ADDITIONAL SENSE CODE QUALIFIER.</param>
public readonly partial record struct AdditionalSenseCode(byte Asc, byte Ascq)
{
    /// <summary>ASC in the high byte, ASCQ in the low byte (e.g. 2400h for INVALID FIELD IN CDB).</summary>
    public ushort Value => (ushort)((Asc << 8) | Ascq);

    /// <summary>True when ASC or ASCQ is in the vendor-specific range 80h-FFh.</summary>
    public bool IsVendorSpecific => Asc >= 0x80 || Ascq >= 0x80;

    /// <summary>Builds a pair from <see cref="Value"/> (ASC in the high byte).</summary>
    public static AdditionalSenseCode FromValue(ushort value) => new((byte)(value >> 8), (byte)value);

    /// <summary>"24h/00h INVALID FIELD IN CDB"; for logs.</summary>
    public override string ToString()
    {
        string? text = Description;
        return text is null
            ? string.Create(CultureInfo.InvariantCulture, $"{Asc:X2}h/{Ascq:X2}h")
            : string.Create(CultureInfo.InvariantCulture, $"{Asc:X2}h/{Ascq:X2}h {text}");
    }

    // 00h
    public static AdditionalSenseCode NoAdditionalSenseInformation => new(0x00, 0x00);
    public static AdditionalSenseCode OperationInProgress => new(0x00, 0x16);

    // 04h: LOGICAL UNIT NOT READY / NOT ACCESSIBLE
    public static AdditionalSenseCode LogicalUnitNotReadyCauseNotReportable => new(0x04, 0x00);
    public static AdditionalSenseCode LogicalUnitIsInProcessOfBecomingReady => new(0x04, 0x01);
    public static AdditionalSenseCode LogicalUnitNotReadyInitializingCommandRequired => new(0x04, 0x02);
    public static AdditionalSenseCode LogicalUnitNotReadyManualInterventionRequired => new(0x04, 0x03);
    public static AdditionalSenseCode LogicalUnitNotReadyFormatInProgress => new(0x04, 0x04);
    public static AdditionalSenseCode LogicalUnitNotReadyOperationInProgress => new(0x04, 0x07);
    public static AdditionalSenseCode LogicalUnitNotReadySelfTestInProgress => new(0x04, 0x09);
    public static AdditionalSenseCode LogicalUnitNotAccessibleAsymmetricAccessStateTransition => new(0x04, 0x0a);
    public static AdditionalSenseCode LogicalUnitNotAccessibleTargetPortInStandbyState => new(0x04, 0x0b);
    public static AdditionalSenseCode LogicalUnitNotAccessibleTargetPortInUnavailableState => new(0x04, 0x0c);
    public static AdditionalSenseCode LogicalUnitNotReadyOffline => new(0x04, 0x12);
    public static AdditionalSenseCode LogicalUnitNotReadySanitizeInProgress => new(0x04, 0x1b);

    // 08h
    public static AdditionalSenseCode LogicalUnitCommunicationFailure => new(0x08, 0x00);
    public static AdditionalSenseCode UnreachableCopyTarget => new(0x08, 0x04);

    // 0Ch: WRITE ERROR (0C/0C and 0C/0D are the iSCSI unsolicited-data conditions, RFC 7143 §11.4.7.2)
    public static AdditionalSenseCode WriteError => new(0x0c, 0x00);
    public static AdditionalSenseCode WriteErrorUnexpectedUnsolicitedData => new(0x0c, 0x0c);
    public static AdditionalSenseCode WriteErrorNotEnoughUnsolicitedData => new(0x0c, 0x0d);

    // 0Dh: third-party copy errors (SPC-5 EXTENDED COPY)
    public static AdditionalSenseCode CopyTargetDeviceNotReachable => new(0x0d, 0x02);

    // 10h: protection information (SBC-4)
    public static AdditionalSenseCode LogicalBlockGuardCheckFailed => new(0x10, 0x01);
    public static AdditionalSenseCode LogicalBlockApplicationTagCheckFailed => new(0x10, 0x02);
    public static AdditionalSenseCode LogicalBlockReferenceTagCheckFailed => new(0x10, 0x03);

    // 11h (11/13 is the iSCSI "SNACK rejected" condition, RFC 7143 §11.4.7.2)
    public static AdditionalSenseCode UnrecoveredReadError => new(0x11, 0x00);
    public static AdditionalSenseCode ReadErrorFailedRetransmissionRequest => new(0x11, 0x13);

    public static AdditionalSenseCode ParameterListLengthError => new(0x1a, 0x00);
    public static AdditionalSenseCode MiscompareDuringVerifyOperation => new(0x1d, 0x00);
    public static AdditionalSenseCode InvalidCommandOperationCode => new(0x20, 0x00);
    public static AdditionalSenseCode LogicalBlockAddressOutOfRange => new(0x21, 0x00);
    public static AdditionalSenseCode InvalidFieldInCdb => new(0x24, 0x00);
    public static AdditionalSenseCode LogicalUnitNotSupported => new(0x25, 0x00);

    // 26h
    public static AdditionalSenseCode InvalidFieldInParameterList => new(0x26, 0x00);
    public static AdditionalSenseCode ParameterNotSupported => new(0x26, 0x01);
    public static AdditionalSenseCode ParameterValueInvalid => new(0x26, 0x02);
    public static AdditionalSenseCode InvalidReleaseOfPersistentReservation => new(0x26, 0x04);
    public static AdditionalSenseCode TooManyTargetDescriptors => new(0x26, 0x06);
    public static AdditionalSenseCode UnsupportedTargetDescriptorTypeCode => new(0x26, 0x07);
    public static AdditionalSenseCode TooManySegmentDescriptors => new(0x26, 0x08);
    public static AdditionalSenseCode UnsupportedSegmentDescriptorTypeCode => new(0x26, 0x09);

    // 27h
    public static AdditionalSenseCode WriteProtected => new(0x27, 0x00);
    public static AdditionalSenseCode HardwareWriteProtected => new(0x27, 0x01);
    public static AdditionalSenseCode LogicalUnitSoftwareWriteProtected => new(0x27, 0x02);
    public static AdditionalSenseCode SpaceAllocationFailedWriteProtect => new(0x27, 0x07);

    public static AdditionalSenseCode NotReadyToReadyChangeMediumMayHaveChanged => new(0x28, 0x00);

    // 29h: reset events (unit attention)
    public static AdditionalSenseCode PowerOnResetOrBusDeviceResetOccurred => new(0x29, 0x00);
    public static AdditionalSenseCode PowerOnOccurred => new(0x29, 0x01);
    public static AdditionalSenseCode ScsiBusResetOccurred => new(0x29, 0x02);
    public static AdditionalSenseCode BusDeviceResetFunctionOccurred => new(0x29, 0x03);
    public static AdditionalSenseCode DeviceInternalReset => new(0x29, 0x04);
    public static AdditionalSenseCode TransceiverModeChangedToSingleEnded => new(0x29, 0x05);
    public static AdditionalSenseCode TransceiverModeChangedToLvd => new(0x29, 0x06);
    public static AdditionalSenseCode ITNexusLossOccurred => new(0x29, 0x07);

    // 2Ah: PARAMETERS CHANGED (unit attention)
    public static AdditionalSenseCode ParametersChanged => new(0x2a, 0x00);
    public static AdditionalSenseCode ModeParametersChanged => new(0x2a, 0x01);
    public static AdditionalSenseCode LogParametersChanged => new(0x2a, 0x02);
    public static AdditionalSenseCode ReservationsPreempted => new(0x2a, 0x03);
    public static AdditionalSenseCode ReservationsReleased => new(0x2a, 0x04);
    public static AdditionalSenseCode RegistrationsPreempted => new(0x2a, 0x05);
    public static AdditionalSenseCode AsymmetricAccessStateChanged => new(0x2a, 0x06);
    public static AdditionalSenseCode ImplicitAsymmetricAccessStateTransitionFailed => new(0x2a, 0x07);
    public static AdditionalSenseCode PriorityChanged => new(0x2a, 0x08);
    public static AdditionalSenseCode CapacityDataHasChanged => new(0x2a, 0x09);
    public static AdditionalSenseCode TimestampChanged => new(0x2a, 0x10);

    public static AdditionalSenseCode CommandSequenceError => new(0x2c, 0x00);

    // 2Fh
    public static AdditionalSenseCode CommandsClearedByAnotherInitiator => new(0x2f, 0x00);
    public static AdditionalSenseCode CommandsClearedByPowerLossNotification => new(0x2f, 0x01);
    public static AdditionalSenseCode CommandsClearedByDeviceServer => new(0x2f, 0x02);

    public static AdditionalSenseCode MediumFormatCorrupted => new(0x31, 0x00);
    public static AdditionalSenseCode SanitizeCommandFailed => new(0x31, 0x03);
    public static AdditionalSenseCode ThinProvisioningSoftThresholdReached => new(0x38, 0x07);
    public static AdditionalSenseCode SavingParametersNotSupported => new(0x39, 0x00);
    public static AdditionalSenseCode MediumNotPresent => new(0x3a, 0x00);
    public static AdditionalSenseCode MediumNotPresentTrayClosed => new(0x3a, 0x01);
    public static AdditionalSenseCode MediumNotPresentTrayOpen => new(0x3a, 0x02);

    // 3Eh
    public static AdditionalSenseCode LogicalUnitHasNotSelfConfiguredYet => new(0x3e, 0x00);
    public static AdditionalSenseCode LogicalUnitFailure => new(0x3e, 0x01);
    public static AdditionalSenseCode TimeoutOnLogicalUnit => new(0x3e, 0x02);

    // 3Fh: target operating conditions (unit attention)
    public static AdditionalSenseCode TargetOperatingConditionsHaveChanged => new(0x3f, 0x00);
    public static AdditionalSenseCode MicrocodeHasBeenChanged => new(0x3f, 0x01);
    public static AdditionalSenseCode InquiryDataHasChanged => new(0x3f, 0x03);
    public static AdditionalSenseCode DeviceIdentifierChanged => new(0x3f, 0x05);
    public static AdditionalSenseCode ReportedLunsDataHasChanged => new(0x3f, 0x0e);
    public static AdditionalSenseCode EchoBufferOverwritten => new(0x3f, 0x0f);
    public static AdditionalSenseCode IscsiIPAddressAdded => new(0x3f, 0x12);
    public static AdditionalSenseCode IscsiIPAddressRemoved => new(0x3f, 0x13);
    public static AdditionalSenseCode IscsiIPAddressChanged => new(0x3f, 0x14);

    public static AdditionalSenseCode InternalTargetFailure => new(0x44, 0x00);

    // 47h: transport errors (47/05 and 47/7F are used by iSCSI, RFC 7143 §11.4.7.2 and §7)
    public static AdditionalSenseCode ScsiParityError => new(0x47, 0x00);
    public static AdditionalSenseCode DataPhaseCrcErrorDetected => new(0x47, 0x01);
    public static AdditionalSenseCode InformationUnitIuCrcErrorDetected => new(0x47, 0x03);
    public static AdditionalSenseCode AsynchronousInformationProtectionErrorDetected => new(0x47, 0x04);
    public static AdditionalSenseCode ProtocolServiceCrcError => new(0x47, 0x05);
    public static AdditionalSenseCode SomeCommandsClearedByIscsiProtocolEvent => new(0x47, 0x7f);

    public static AdditionalSenseCode InitiatorDetectedErrorMessageReceived => new(0x48, 0x00);
    public static AdditionalSenseCode InvalidMessageError => new(0x49, 0x00);
    public static AdditionalSenseCode CommandPhaseError => new(0x4a, 0x00);

    // 4Bh: DATA PHASE ERROR and transport data-transfer errors
    public static AdditionalSenseCode DataPhaseError => new(0x4b, 0x00);
    public static AdditionalSenseCode InvalidTargetPortTransferTagReceived => new(0x4b, 0x01);
    public static AdditionalSenseCode TooMuchWriteData => new(0x4b, 0x02);
    public static AdditionalSenseCode AckNakTimeout => new(0x4b, 0x03);
    public static AdditionalSenseCode NakReceived => new(0x4b, 0x04);
    public static AdditionalSenseCode DataOffsetError => new(0x4b, 0x05);
    public static AdditionalSenseCode InitiatorResponseTimeout => new(0x4b, 0x06);
    public static AdditionalSenseCode ConnectionLost => new(0x4b, 0x07);

    public static AdditionalSenseCode LogicalUnitFailedSelfConfiguration => new(0x4c, 0x00);
    public static AdditionalSenseCode OverlappedCommandsAttempted => new(0x4e, 0x00);
    public static AdditionalSenseCode MediumRemovalPrevented => new(0x53, 0x02);
    public static AdditionalSenseCode InsufficientReservationResources => new(0x55, 0x03);
    public static AdditionalSenseCode InsufficientRegistrationResources => new(0x55, 0x04);
    public static AdditionalSenseCode FailurePredictionThresholdExceeded => new(0x5d, 0x00);
}
