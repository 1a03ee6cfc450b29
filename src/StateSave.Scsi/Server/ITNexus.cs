namespace StateSave.Scsi.Server;

/// <summary>
/// An I_T nexus (SAM-5 §4.7): the initiator port and target port a command arrived through. The device
/// server keys unit attentions, reservations and sense state by it, and builds port designators
/// (INQUIRY VPD 83h) from it. For iSCSI (RFC 7143 §4.2.7, SPC-5 §7.6.4) the initiator port name is
/// <c>iSCSI-name,i,0x&lt;ISID&gt;</c> and the target port name <c>iSCSI-name,t,0x&lt;TPGT&gt;</c>.
/// </summary>
/// <param name="InitiatorName">The initiator's iSCSI name (InitiatorName key).</param>
/// <param name="InitiatorPortName">The SCSI initiator port name, e.g. <c>iqn.x,i,0x400001370000</c>.</param>
/// <param name="TargetName">The target's iSCSI name.</param>
/// <param name="TargetPortName">The SCSI target port name, e.g. <c>iqn.y,t,0x0001</c>.</param>
/// <param name="RelativeTargetPortIdentifier">RELATIVE TARGET PORT IDENTIFIER (1-65535) of the target port.</param>
/// <param name="TargetPortGroup">TARGET PORT GROUP the target port belongs to (ALUA), also the iSCSI TPGT.</param>
public sealed record ITNexus(
    string InitiatorName,
    string InitiatorPortName,
    string TargetName,
    string TargetPortName,
    ushort RelativeTargetPortIdentifier,
    ushort TargetPortGroup);
