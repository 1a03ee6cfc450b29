namespace StateSave.Scsi;

/// <summary>
/// Task attributes (SAM-5 §8.6) as encoded in the ATTR field of the iSCSI SCSI Command PDU
/// (RFC 7143 §11.3.1.4): 0 untagged, 1 simple, 2 ordered, 3 head of queue, 4 ACA.
/// </summary>
public enum TaskAttribute : byte
{
    Untagged = 0,
    Simple = 1,
    Ordered = 2,
    HeadOfQueue = 3,
    Aca = 4,
}
