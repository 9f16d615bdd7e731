using BenchmarkDotNet.Running;
using EngineeringFramework.Benchmarks;
using EngineeringFramework.Benchmarks.OpenFga;
using EngineeringFramework.Benchmarks.RestLoad;

if (args.Length > 0 && args[0] == "--memory")
{
    return AuthzMemoryProbe.Run(Console.Out);
}

if (args.Length > 0 && args[0] == RestLoadCommand.Command)
{
    return await RestLoadCommand.RunAsync(args);
}

if (args.Length > 0 && args[0] == MixedLoadCommand.Command)
{
    return await MixedLoadCommand.RunAsync(args);
}

if (args.Length > 0 && args[0] == DeliveryLagProbe.Command)
{
    return await DeliveryLagProbe.RunAsync(args);
}

if (args.Length > 0 && args[0] == CeilingServer.Command)
{
    return await CeilingServer.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(AuthzBenchmarks).Assembly).Run(args);
return 0;
