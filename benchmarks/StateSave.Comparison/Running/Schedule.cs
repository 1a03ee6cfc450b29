namespace StateSave.Comparison.Running;

/// <summary>
/// The order of one round: every cell once. The workloads are rotated by the round number, and so are the systems
/// within each workload, so that each system goes first in turn and slow drift (heat, other load) cancels in the
/// medians rather than favouring one system.
/// </summary>
internal static class Schedule
{
    public static IReadOnlyList<Cell> Order(IReadOnlyList<Cell> cells, int round)
    {
        List<List<Cell>> workloads = [.. cells.GroupBy(c => c.Workload, StringComparer.Ordinal).Select(g => g.ToList())];
        var order = new List<Cell>(cells.Count);
        foreach (List<Cell> workload in Rotate(workloads, round))
        {
            order.AddRange(Rotate(workload, round));
        }

        return order;
    }

    private static IEnumerable<T> Rotate<T>(List<T> items, int by)
    {
        int start = items.Count == 0 ? 0 : by % items.Count;
        return items.Skip(start).Concat(items.Take(start));
    }
}
