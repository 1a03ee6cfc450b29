using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// Where a logical unit's components (reservations, mode pages, capacity changes) establish unit
/// attention conditions (SAM-5 §5.14, SPC-5 §5.14). The logical unit queues them per I_T nexus and
/// reports them with the next command from that nexus.
/// </summary>
public interface IUnitAttentionSink
{
    /// <summary>Establishes a unit attention condition for one I_T nexus.</summary>
    void Establish(ITNexus nexus, AdditionalSenseCode additionalSenseCode);

    /// <summary>Establishes a unit attention condition for every I_T nexus the logical unit knows, except <paramref name="except"/>.</summary>
    void EstablishForOthers(ITNexus? except, AdditionalSenseCode additionalSenseCode);
}
