namespace StateSave.TargetServer.Configuration;

/// <summary>A configuration the server cannot run: every problem found, each with where it is.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException()
        : this([])
    {
    }

    public ConfigurationException(string message)
        : this([message])
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public ConfigurationException(IReadOnlyList<string> problems)
        : base(problems.Count == 0 ? "The configuration is not valid." : string.Join(Environment.NewLine, problems))
    {
        Problems = problems;
    }

    /// <summary>One line per problem, e.g. "targets[0].luns[1].size: 'x' is not a size".</summary>
    public IReadOnlyList<string> Problems { get; }
}
