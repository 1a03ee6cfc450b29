using System.Collections.Concurrent;
using StateSave.Scsi;

namespace StateSave.Storage.Commands;

/// <summary>
/// The dispatch table of a logical unit: operation code (and service action) → <see cref="CommandDefinition"/>.
/// Other components add their commands with <see cref="Register"/> (e.g. PERSISTENT RESERVE IN/OUT). Thread-safe.
/// </summary>
public sealed class CommandTable
{
    private readonly ConcurrentDictionary<(byte Opcode, ushort ServiceAction), CommandDefinition> _byServiceAction = new();
    private readonly ConcurrentDictionary<byte, CommandDefinition> _byOpcode = new();
    private readonly ConcurrentDictionary<byte, bool> _opcodesWithServiceActions = new();

    /// <summary>Adds or replaces a command.</summary>
    public void Register(CommandDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        byte opcode = (byte)definition.OperationCode;
        if (definition.ServiceAction is { } serviceAction)
        {
            _opcodesWithServiceActions[opcode] = true;
            _byServiceAction[(opcode, serviceAction)] = definition;
        }
        else
        {
            _byOpcode[opcode] = definition;
        }
    }

    /// <summary>True when the operation code is told apart by service actions.</summary>
    public bool HasServiceActions(byte opcode) => _opcodesWithServiceActions.ContainsKey(opcode);

    /// <summary>The command without service action of <paramref name="opcode"/>.</summary>
    public bool TryGet(byte opcode, out CommandDefinition definition) => _byOpcode.TryGetValue(opcode, out definition!);

    /// <summary>The command with <paramref name="serviceAction"/> of <paramref name="opcode"/>.</summary>
    public bool TryGet(byte opcode, ushort serviceAction, out CommandDefinition definition) =>
        _byServiceAction.TryGetValue((opcode, serviceAction), out definition!);

    /// <summary>Every command, in operation code then service action order (REPORT SUPPORTED OPERATION CODES).</summary>
    public IReadOnlyList<CommandDefinition> All =>
        [.. _byOpcode.Values.Concat(_byServiceAction.Values)
            .OrderBy(static d => (byte)d.OperationCode).ThenBy(static d => d.ServiceAction ?? 0)];

    /// <summary>Finds the definition for a CDB, or says which error to report.</summary>
    internal bool TryResolve(ReadOnlySpan<byte> cdb, out CommandDefinition definition, out CdbFieldError error)
    {
        error = default;
        definition = null!;
        byte opcode = cdb[0];
        if (HasServiceActions(opcode))
        {
            var view = new Cdb(cdb);
            if (!view.TryGetServiceAction(out ushort serviceAction))
            {
                error = CdbFieldError.InvalidField(1, 4);
                return false;
            }

            if (TryGet(opcode, serviceAction, out definition))
            {
                return true;
            }

            error = opcode == (byte)ScsiOpcode.VariableLengthCdb ? CdbFieldError.InvalidField(8) : CdbFieldError.InvalidField(1, 4);
            return false;
        }

        if (TryGet(opcode, out definition))
        {
            return true;
        }

        error = CdbFieldError.InvalidOperationCode;
        return false;
    }
}
