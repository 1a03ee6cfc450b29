using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Reservations;

// PERSISTENT RESERVE IN (SPC-5 §6.16).
public sealed partial class ReservationManager
{
    // CDB: 0 opcode 5Eh, 1 SERVICE ACTION (bits 4-0), 7-8 ALLOCATION LENGTH, 9 CONTROL.
    private const int AllocationLengthOffset = 7;

    /// <summary>
    /// PERSISTENT RESERVE IN: READ KEYS, READ RESERVATION, REPORT CAPABILITIES and READ FULL STATUS. Other
    /// service actions: INVALID FIELD IN CDB pointing at SERVICE ACTION.
    /// </summary>
    public async ValueTask<ScsiCommandResult> PersistentReserveInAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Cdb.Length < 10)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 0));
        }

        var serviceAction = (PersistentReserveInServiceAction)(command.Cdb.Span[1] & 0x1f);
        if (serviceAction > PersistentReserveInServiceAction.ReadFullStatus)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 1, 4));
        }

        uint allocationLength = BinaryPrimitives.ReadUInt16BigEndian(command.Cdb.Span[AllocationLengthOffset..]);
        byte[] data;
        lock (_lock)
        {
            _knownNexuses.Add(command.Nexus);
            data = serviceAction switch
            {
                PersistentReserveInServiceAction.ReadKeys => ReadKeys(),
                PersistentReserveInServiceAction.ReadReservation => ReadReservation(),
                PersistentReserveInServiceAction.ReportCapabilities => ReportCapabilities(),
                _ => ReadFullStatus(),
            };
        }

        await ServiceDataTransfer.SendAsync(command, data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    // 0-3 PRGENERATION, 4-7 ADDITIONAL LENGTH (8 per key), then the keys. ADDITIONAL LENGTH is not cut by the allocation length.
    private byte[] ReadKeys()
    {
        byte[] data = new byte[8 + (8 * _registrations.Count)];
        BinaryPrimitives.WriteUInt32BigEndian(data, _generation);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), (uint)(8 * _registrations.Count));
        for (int i = 0; i < _registrations.Count; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(8 + (8 * i)), _registrations[i].Key);
        }

        return data;
    }

    // 0-3 PRGENERATION, 4-7 ADDITIONAL LENGTH (0 or 16); 8-15 RESERVATION KEY (zero for all registrants types),
    // 16-19 obsolete, 20 reserved, 21 SCOPE (bits 7-4) | TYPE (bits 3-0), 22-23 obsolete.
    private byte[] ReadReservation()
    {
        if (_reservationType is not { } type)
        {
            byte[] empty = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(empty, _generation);
            return empty;
        }

        byte[] data = new byte[24];
        BinaryPrimitives.WriteUInt32BigEndian(data, _generation);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), 16);
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(8), _holder?.Key ?? 0);
        data[21] = (byte)type;
        return data;
    }

    // 0-1 LENGTH (8); 2: RLR_C(7) CRH(4) SIP_C(3) ATP_C(2) PTPL_C(0); 3: TMV(7) ALLOW COMMANDS(6-4) PTPL_A(0);
    // 4-5 PERSISTENT RESERVATION TYPE MASK: WR_EX_AR(4.7) EX_AC_RO(4.6) WR_EX_RO(4.5) EX_AC(4.3) WR_EX(4.1) EX_AC_AR(5.0).
    private byte[] ReportCapabilities()
    {
        const byte Crh = 0x10;
        const byte SipC = 0x08;
        const byte AtpC = 0x04;
        const byte PtplC = 0x01;
        const byte Tmv = 0x80;

        // ALLOW COMMANDS 010b: TEST UNIT READY and the reads of ReservationAccessRules pass Write Exclusive reservations.
        const byte AllowCommands = 0x2 << 4;

        byte[] data = new byte[8];
        data[1] = 8;
        data[2] = (byte)(Crh | SipC | AtpC | (_store is null ? 0 : PtplC));
        data[3] = (byte)(Tmv | AllowCommands | (_persistThroughPowerLoss ? 1 : 0));
        data[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02;
        data[5] = 0x01;
        return data;
    }

    // 0-3 PRGENERATION, 4-7 ADDITIONAL LENGTH, then per registered I_T nexus: 0-7 RESERVATION KEY, 8-11 reserved,
    // 12 ALL_TG_PT(1) R_HOLDER(0), 13 SCOPE|TYPE, 14-17 reserved, 18-19 RELATIVE TARGET PORT IDENTIFIER,
    // 20-23 ADDITIONAL DESCRIPTOR LENGTH, 24- TransportID.
    private byte[] ReadFullStatus()
    {
        int length = 8;
        foreach (Registration registration in _registrations)
        {
            length += 24 + registration.Initiator.EncodedLength;
        }

        byte[] data = new byte[length];
        BinaryPrimitives.WriteUInt32BigEndian(data, _generation);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), (uint)(length - 8));
        int offset = 8;
        foreach (Registration registration in _registrations)
        {
            Span<byte> descriptor = data.AsSpan(offset);
            BinaryPrimitives.WriteUInt64BigEndian(descriptor, registration.Key);
            bool holder = _reservationType is { } type && (type.IsAllRegistrants() || ReferenceEquals(registration, _holder));
            descriptor[12] = (byte)((registration.RelativeTargetPortIdentifier is null ? 0x02 : 0) | (holder ? 0x01 : 0));
            descriptor[13] = holder ? (byte)_reservationType!.Value : (byte)0;
            BinaryPrimitives.WriteUInt16BigEndian(descriptor[18..], registration.RelativeTargetPortIdentifier ?? 0);
            int transportIdLength = registration.Initiator.Write(descriptor[24..]);
            BinaryPrimitives.WriteUInt32BigEndian(descriptor[20..], (uint)transportIdLength);
            offset += 24 + transportIdLength;
        }

        return data;
    }
}
