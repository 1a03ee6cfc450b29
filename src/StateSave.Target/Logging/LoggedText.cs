using StateSave.Iscsi.Negotiation;

namespace StateSave.Target.Logging;

/// <summary>Text key=value pairs formatted only when a log line is written.</summary>
internal readonly struct LoggedText(IReadOnlyList<TextKeyValue> pairs)
{
    public override string ToString() => string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}"));
}
