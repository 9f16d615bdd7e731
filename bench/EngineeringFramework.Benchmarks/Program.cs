using BenchmarkDotNet.Running;
using EngineeringFramework.Benchmarks;

if (args.Length > 0 && args[0] == "--memory")
{
    return AuthzMemoryProbe.Run(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(AuthzBenchmarks).Assembly).Run(args);
return 0;
