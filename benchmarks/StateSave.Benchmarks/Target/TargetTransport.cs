namespace StateSave.Benchmarks.Target;

/// <summary>What carries the bytes between the benchmark's client and the target.</summary>
public enum TargetTransport
{
    /// <summary>The project's <c>InMemoryTransport</c>: socket semantics, a receive and a send loop at each end, one copy per direction.</summary>
    InMemory,

    /// <summary>Two bare pipes (<see cref="PipeConnection"/>): the target reads what the client writes, nothing in between.</summary>
    Pipes,
}
