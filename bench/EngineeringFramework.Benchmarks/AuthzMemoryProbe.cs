using System.Globalization;
using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Benchmarks;

/// <summary>
/// <c>--memory</c>: bytes per stored tuple (managed heap after a full collection, before and after loading
/// 1,000,000 tuples) and allocation across 1,000,000 repeated checks. Targets: under 256 bytes per tuple;
/// no heap growth across the checks.
/// </summary>
internal static class AuthzMemoryProbe
{
    private const int Checks = 1_000_000;

    public static int Run(TextWriter output)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var store = new InMemoryTupleStore();
        var engine = AuthzData.Build(store);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perTuple = (after - before) / (double)store.Count;
        Write(output, $"tuples stored: {store.Count:N0}");
        Write(output, $"heap before load: {before:N0} bytes, after load: {after:N0} bytes");
        Write(output, $"bytes per tuple: {perTuple:F1} (target < 256)");

        // The same mix the benchmarks use; requests built once, results cached by the engine.
        CheckRequest[] requests =
        [
            new("user:reader", "can_view", "project:p5000"),
            new("user:reader", "can_view", "project:p150001"),
            new("user:reader", "can_edit", "project:p5000"),
            new("user:reader", "can_edit", "project:p150001"),
        ];

        // Warm up (JIT, pooled checker and its buffers) before measuring.
        var allowed = 0;
        for (var i = 0; i < 10_000; i++)
        {
            allowed += engine.Check(requests[i & 3]).Allowed ? 1 : 0;
        }

        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var gen0Before = GC.CollectionCount(0);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < Checks; i++)
        {
            allowed += engine.Check(requests[i & 3]).Allowed ? 1 : 0;
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var gen0 = GC.CollectionCount(0) - gen0Before;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);

        Write(output, $"checks: {Checks:N0} ({allowed:N0} allowed incl. warm-up) in {elapsed.TotalMilliseconds:F0} ms, {elapsed.TotalMicroseconds / Checks:F2} µs mean");
        Write(output, $"allocated during checks: {allocated:N0} bytes ({allocated / (double)Checks:F1} bytes per check), gen0 collections: {gen0}");
        Write(output, $"heap before checks: {heapBefore:N0} bytes, after: {heapAfter:N0} bytes, growth: {heapAfter - heapBefore:N0} bytes");
        GC.KeepAlive(engine);
        store.Dispose();
        return 0;
    }

    private static void Write(TextWriter output, FormattableString line) => output.WriteLine(line.ToString(CultureInfo.InvariantCulture));
}
