using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using StateSave.Benchmarks.Infrastructure;

// dotnet run -c Release --project benchmarks/StateSave.Initiator.Benchmarks -- --filter '*'
IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
