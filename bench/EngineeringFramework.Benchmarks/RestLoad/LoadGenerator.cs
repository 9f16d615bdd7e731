using System.Diagnostics;
using System.Net;

namespace EngineeringFramework.Benchmarks.RestLoad;

/// <summary>How hard and how long to drive one endpoint.</summary>
/// <param name="Connections">Concurrent requests in flight (each worker owns one keep-alive connection).</param>
/// <param name="Rate">
/// Null: closed loop, each worker sends its next request as soon as the last one answered (finds the
/// throughput the server sustains). A number: open loop at that many requests per second, each latency timed
/// from the request's <em>scheduled</em> start, so a stalled server is charged for the requests it delayed
/// (no coordinated omission).
/// </param>
internal sealed record LoadOptions(int Connections, TimeSpan Warmup, TimeSpan Duration, double? Rate);

/// <summary>
/// A small HTTP/1.1 load generator: N workers over one <see cref="SocketsHttpHandler"/> pool, a warm-up that is
/// not recorded, then a fixed measuring window in which every request's latency is kept (no sampling).
/// Each response body is read to the end into a reused buffer and its length compared with the expected one,
/// so a short, failed or different answer counts as an error, never as a fast success.
/// </summary>
internal static class LoadGenerator
{
    /// <param name="serverCpu">Reads the server process's CPU time; sampled at the start and the end of the measuring window.</param>
    public static async Task<LoadResult> RunAsync(Uri url, IReadOnlyDictionary<string, string> headers, int expectedLength, LoadOptions options, Func<TimeSpan>? serverCpu, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                client.DefaultRequestHeaders.Host = value;
            }
            else
            {
                client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
            }
        }

        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        var measureFrom = start + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var interval = options.Rate is { } rate ? Stopwatch.Frequency / rate : 0;
        long next = -1;
        var workers = new Worker[options.Connections];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker(client, url, expectedLength, (int)(options.Duration.TotalSeconds * 4000 / options.Connections) + 1024);
        }

        // Both processes' CPU time over the measuring window only, so the two figures per request are comparable.
        var cpuTask = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds((double)Math.Max(0, measureFrom - Stopwatch.GetTimestamp()) / Stopwatch.Frequency), cancellationToken);
            var (ownFirst, serverFirst) = (OwnCpu(), serverCpu?.Invoke());
            await Task.Delay(TimeSpan.FromSeconds((double)Math.Max(0, measureTo - Stopwatch.GetTimestamp()) / Stopwatch.Frequency), cancellationToken);
            return (Own: OwnCpu() - ownFirst, Server: serverCpu?.Invoke() - serverFirst);
        }, cancellationToken);
        await Task.WhenAll(workers.Select(w => Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                long scheduled;
                if (options.Rate is null)
                {
                    scheduled = Math.Max(Stopwatch.GetTimestamp(), start);
                    if (scheduled >= measureTo)
                    {
                        return;
                    }
                }
                else
                {
                    scheduled = start + (long)(Interlocked.Increment(ref next) * interval);
                    if (scheduled >= measureTo)
                    {
                        return;
                    }
                }

                var wait = scheduled - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
                }

                await w.SendAsync(scheduled, scheduled >= measureFrom, measureTo, cancellationToken);
            }
        }, cancellationToken)));
        var (cpu, server) = await cpuTask;

        var latencies = workers.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        return new LoadResult(
            latencies,
            workers.Sum(w => w.Errors),
            workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null),
            options.Duration,
            cpu,
            server);
    }

    private static TimeSpan OwnCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private sealed class Worker(HttpClient client, Uri url, int expectedLength, int capacity)
    {
        private readonly byte[] buffer = new byte[64 * 1024];

        public List<long> Latencies { get; } = new(capacity);

        public int Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task SendAsync(long scheduled, bool record, long measureTo, CancellationToken cancellationToken)
        {
            string? error = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var length = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    length += read;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    error = $"HTTP {(int)response.StatusCode}";
                }
                else if (length != expectedLength)
                {
                    error = $"body of {length} bytes, expected {expectedLength}";
                }
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }

            var done = Stopwatch.GetTimestamp();
            if (!record || done > measureTo)
            {
                return;
            }

            if (error is not null)
            {
                Errors++;
                FirstError ??= error;
                return;
            }

            Latencies.Add(done - scheduled);
        }
    }
}

/// <summary>
/// Every latency of the measuring window (Stopwatch ticks, sorted), errors, the generator's own CPU (warm-up
/// included) and the server's CPU over the measuring window, when known.
/// </summary>
internal sealed record LoadResult(long[] Latencies, int Errors, string? FirstError, TimeSpan Duration, TimeSpan GeneratorCpu, TimeSpan? ServerCpu)
{
    public double RequestsPerSecond => Latencies.Length / Duration.TotalSeconds;

    public double Percentile(double q)
        => Latencies.Length == 0 ? double.NaN : Milliseconds(Latencies[Math.Min(Latencies.Length - 1, (int)Math.Floor(q * Latencies.Length))]);

    public double Max => Latencies.Length == 0 ? double.NaN : Milliseconds(Latencies[^1]);

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
