using System.Runtime;
using System.Runtime.InteropServices;
using StateSave.Comparison.Peers;

namespace StateSave.Comparison.Report;

/// <summary>What the figures were measured on: CPU, cores, kernel, .NET runtime and GC, and the peer package versions.</summary>
internal sealed record MachineInfo(string CpuModel, int Cores, string Kernel, string Runtime, string Gc, IReadOnlyList<(string Package, string Version)> Packages)
{
    public static readonly IReadOnlyList<string> PeerPackages = ["tgt", "libiscsi-bin", "iperf3"];

    public static MachineInfo Collect()
    {
        string cpu = "unknown";
        int cores = Environment.ProcessorCount;
        (int lscpuExit, string lscpu) = Run("lscpu");
        if (lscpuExit == 0)
        {
            foreach (string line in lscpu.Split('\n'))
            {
                string[] parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && parts[0] == "Model name")
                {
                    cpu = parts[1];
                }
                else if (parts.Length == 2 && parts[0] == "CPU(s)" && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int n))
                {
                    cores = n;
                }
            }
        }

        (int unameExit, string uname) = Run("uname", "-r");
        string gc = $"{(GCSettings.IsServerGC ? "server" : "workstation")}{(GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent")} GC";
        var packages = new List<(string, string)>();
        foreach (string package in PeerPackages)
        {
            (int exit, string version) = Run("dpkg-query", "-W", "-f=${Version}", package);
            packages.Add((package, exit == 0 && version.Trim().Length > 0 ? version.Trim() : "not installed"));
        }

        return new MachineInfo(cpu, cores, unameExit == 0 ? uname.Trim() : "unknown", RuntimeInformation.FrameworkDescription, gc, packages);
    }

    private static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        if (!PeerProcess.IsInstalled(program))
        {
            return (-1, "");
        }

        return PeerProcess.RunToEnd(program, arguments, TimeSpan.FromSeconds(10));
    }
}
