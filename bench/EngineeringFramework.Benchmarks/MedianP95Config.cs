using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace EngineeringFramework.Benchmarks;

/// <summary>The columns every suite here reports beside the mean: median and 95th percentile.</summary>
internal sealed class MedianP95Config : ManualConfig
{
    public MedianP95Config() => AddColumn(StatisticColumn.Median, StatisticColumn.P95);
}
