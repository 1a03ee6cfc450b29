using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace StateSave.Comparison.Measuring;

/// <summary>
/// <c>--trace-allocations</c>: listens to the runtime's GC AllocationTick events (one per ~100 KB allocated, naming the
/// type whose allocation crossed the mark) and sums them per type, so a measurement can say what it allocated. The
/// listener allocates itself, so figures taken with it on are not the ones to report.
/// </summary>
internal sealed partial class AllocationTrace : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int AllocationTickEventId = 10;

    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public void Reset() => _bytesByType.Clear();

    /// <summary>The types that took most of the allocation since <see cref="Reset"/>, with their sampled bytes.</summary>
    public string Top(int count)
    {
        long total = _bytesByType.Values.Sum();
        return total == 0
            ? "no allocation tick"
            : string.Join(", ", _bytesByType.OrderByDescending(p => p.Value).Take(count)
                .Select(p => FormattableString.Invariant($"{Shorten(p.Key)} {100.0 * p.Value / total:N0} %")));
    }

    /// <summary>"AsyncStateMachineBox`1[R,Ns.Type+&lt;MethodAsync&gt;d__7]" → "async Type.MethodAsync"; namespaces dropped.</summary>
    private static string Shorten(string type)
    {
        System.Text.RegularExpressions.Match box = StateMachineBox().Match(type);
        return box.Success ? $"async {box.Groups[1].Value}.{box.Groups[2].Value}" : Namespace().Replace(type, "");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^AsyncStateMachineBox`1\[.*?,(?:[\w.]+\.)?([\w+]+?)\+<(\w+)>d__\d+\]$")]
    private static partial System.Text.RegularExpressions.Regex StateMachineBox();

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])")]
    private static partial System.Text.RegularExpressions.Regex Namespace();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTickEventId || eventData.PayloadNames is null || eventData.Payload is null)
        {
            return;
        }

        int typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        int amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || amountIndex < 0)
        {
            return;
        }

        string type = eventData.Payload[typeIndex] as string ?? "?";
        long amount = Convert.ToInt64(eventData.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture);
        _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
