using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace EngineeringFramework.Benchmarks.RestLoad;

/// <summary>
/// <c>rest-load</c>: sets up a 100-item checklist on a running server (<see cref="ChecklistScenario"/>), then
/// drives <c>GET …/projects/{id}/checklist</c> and the ceiling (<see cref="CeilingServer"/>, same bytes from
/// memory), each closed-loop (the throughput sustained) and open-loop at a fixed rate (latency at that rate).
/// The API token comes from <c>EF_BENCH_API_TOKEN</c> (a system super-admin's: the setup imports a framework),
/// never from the command line, where other users of the machine could read it.
/// </summary>
internal static class RestLoadCommand
{
    public const string Command = "rest-load";

    private const string Usage = "usage: rest-load --base URL [--public-url URL] [--server-pid PID] [--connections 16] [--warmup 10] [--duration 20] [--rate 2000] [--only real|ceiling] [--probe PATH]  (token in EF_BENCH_API_TOKEN)";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CommandOptions.Parse(args);
        if (options is null)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var token = Environment.GetEnvironmentVariable("EF_BENCH_API_TOKEN");
        if (!options.TryGetValue("base", out var baseText) || string.IsNullOrEmpty(token))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var baseAddress = new Uri(baseText, UriKind.Absolute);
        var connections = CommandOptions.Int(options, "connections", 16);
        var load = new LoadOptions(connections, TimeSpan.FromSeconds(CommandOptions.Int(options, "warmup", 10)), TimeSpan.FromSeconds(CommandOptions.Int(options, "duration", 20)), null);
        var rate = CommandOptions.Int(options, "rate", 2000);
        var only = options.GetValueOrDefault("only");
        int? serverPid = options.TryGetValue("server-pid", out var pidText) ? int.Parse(pidText, CultureInfo.InvariantCulture) : null;

        // Behind a pretend TLS-terminating proxy, as a Production deployment runs: the server believes
        // X-Forwarded-Proto only from its TRUSTED_PROXIES, and its issuer and audiences derive from PUBLIC_URL.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer " + token };
        if (options.TryGetValue("public-url", out var publicUrl) && new Uri(publicUrl) is { Scheme: "https" } @public)
        {
            headers["X-Forwarded-Proto"] = "https";
            headers["Host"] = @public.Authority;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        using var api = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                api.DefaultRequestHeaders.Host = value;
            }
            else if (name == "Authorization")
            {
                api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            else
            {
                api.DefaultRequestHeaders.Add(name, value);
            }
        }

        if (options.TryGetValue("probe", out var probe))
        {
            // Diagnosis: the same load on another path of the running server (e.g. /health or /api/v1/me), to see
            // what the pipeline costs without the checklist read.
            var body = await api.GetByteArrayAsync(new Uri(probe, UriKind.Relative), cancel.Token);
            await MeasureAsync("probe", new Uri(baseAddress, probe), headers, new ChecklistTarget(Guid.Empty, Guid.Empty, probe, body, 0), load, int.MaxValue, serverPid is { } probed ? Process.GetProcessById(probed) : null, cancel.Token);
            return 0;
        }

        var target = await ChecklistScenario.CreateAsync(api, cancel.Token);
        Console.WriteLine($"checklist: {target.Items} items, {target.Json.Length:N0} bytes of JSON, GET {target.Path}");
        Console.WriteLine($"load: {connections} connections, {load.Warmup.TotalSeconds:0} s warm-up, {load.Duration.TotalSeconds:0} s measured; open loop at {rate:N0} req/s; machine load {CommandOptions.LoadAverage()}");

        if (only is null or "real")
        {
            var url = new Uri(baseAddress, target.Path);
            await MeasureAsync("real", url, headers, target, load, rate, serverPid is { } pid ? Process.GetProcessById(pid) : null, cancel.Token);
        }

        if (only is null or "ceiling")
        {
            var bodyFile = Path.GetTempFileName();
            await File.WriteAllBytesAsync(bodyFile, target.Json, cancel.Token);
            var (process, ceilingBase) = await CeilingServer.StartAsync(target.Path, bodyFile);
            try
            {
                await MeasureAsync("ceiling", new Uri(ceilingBase, target.Path), headers, target, load, rate, process, cancel.Token);
            }
            finally
            {
                process.StandardInput.Close();
                await process.WaitForExitAsync(cancel.Token);
                process.Dispose();
                File.Delete(bodyFile);
            }
        }

        Console.WriteLine($"machine load after: {CommandOptions.LoadAverage()}");
        return 0;
    }

    private static async Task MeasureAsync(string name, Uri url, IReadOnlyDictionary<string, string> headers, ChecklistTarget target, LoadOptions load, int rate, Process? server, CancellationToken cancellationToken)
    {
        var closedLoop = 0.0;
        foreach (var options in new[] { load, load with { Rate = rate } })
        {
            if (options.Rate is { } wanted && closedLoop < wanted)
            {
                // An open loop faster than the server can go only measures its growing queue.
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} open {wanted,5:0}/s: skipped, the closed loop sustained only {closedLoop:N0} req/s"));
                continue;
            }

            Func<TimeSpan>? serverCpu = server is null ? null : () =>
            {
                server.Refresh();
                return server.TotalProcessorTime;
            };
            var result = await LoadGenerator.RunAsync(url, headers, target.Json.Length, options, serverCpu, cancellationToken);
            closedLoop = options.Rate is null ? result.RequestsPerSecond : closedLoop;
            var mode = options.Rate is { } r ? $"open {r,5:0}/s" : "closed     ";
            var requests = Math.Max(1, result.Latencies.Length + result.Errors);
            var cpu = (result.ServerCpu is { } used ? $", server CPU {used.TotalMilliseconds * 1000 / requests:0} µs/req" : string.Empty)
                + $", generator CPU {result.GeneratorCpu.TotalMilliseconds * 1000 / requests:0} µs/req"
                + (server is null ? string.Empty : $", server peak RSS {PeakRss(server) / (1024 * 1024):N0} MB");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-8} {mode}: {result.RequestsPerSecond,7:N0} req/s  p50 {result.Percentile(0.50),6:0.00} ms  p95 {result.Percentile(0.95),6:0.00} ms  p99 {result.Percentile(0.99),6:0.00} ms  max {result.Max,7:0.00} ms  errors {result.Errors}{(result.FirstError is { } e ? $" ({e})" : string.Empty)}{cpu}"));
        }
    }

    /// <summary>The process's resident-set high-water mark so far (memory is the price of a larger GC budget).</summary>
    private static long PeakRss(Process process)
    {
        process.Refresh();
        return process.PeakWorkingSet64;
    }
}
