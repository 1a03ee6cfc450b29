using System.Reflection;

namespace StateSave.Comparison.Running;

/// <summary>The repository root, found from where this project lives (recorded at build time), never from the working directory.</summary>
internal static class RepositoryPaths
{
    public static string DefaultResults => Path.Combine(Root, "benchmarks", "RESULTS.md");

    public static string Root
    {
        get
        {
            string? project = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
            foreach (string? start in new[] { project, AppContext.BaseDirectory })
            {
                for (DirectoryInfo? directory = start is null ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                {
                    if (File.Exists(Path.Combine(directory.FullName, "StateSave.sln")))
                    {
                        return directory.FullName;
                    }
                }
            }

            throw new InvalidOperationException("The repository root (the folder holding StateSave.sln) was not found from the project's location.");
        }
    }
}
