using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EngineeringFramework.Benchmarks.RestLoad;

/// <summary>
/// <c>mixed-load</c>: sustained mixed traffic against a running server, as a team and its agents produce it:
/// checklist reads over REST, item updates (<c>PUT …/items/{id}</c> with <c>If-Match</c>) and MCP
/// <c>tools/call get_checklist</c>, 8:1:1, for a long window (ten minutes by default), closed loop or open loop at a
/// fixed rate. Every answer other than the expected one is an error (a 409/412 too: each worker owns its own items,
/// so a conflict would be the server's fault). The server's resident memory is sampled every five seconds and
/// reported per minute, so "flat memory" is a figure, not an impression.
/// <para>
/// <c>--phase rate-limit</c> instead checks the limiter from outside: a noisy caller drives far past its limit while
/// a quiet caller (another user) keeps a steady pace. The noisy caller must get only 200 and 429 answers, every 429 a
/// problem document with <c>Retry-After</c> and the <c>RateLimit-*</c> fields; the quiet caller no error at all.
/// </para>
/// Tokens come from the environment (<c>EF_BENCH_API_TOKEN</c>, <c>EF_BENCH_MCP_TOKEN</c>, and for the rate-limit
/// phase <c>EF_BENCH_QUIET_TOKEN</c>), never from the command line.
/// </summary>
internal static class MixedLoadCommand
{
    public const string Command = "mixed-load";

    private const string Usage = "usage: mixed-load --base URL [--public-url URL] [--server-pid PID] [--connections 16] [--warmup 30] [--duration 600] [--rate 0] [--phase mixed|rate-limit] [--state FILE]  (tokens in EF_BENCH_API_TOKEN, EF_BENCH_MCP_TOKEN, EF_BENCH_QUIET_TOKEN)";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CommandOptions.Parse(args);
        if (options is null)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var apiToken = Environment.GetEnvironmentVariable("EF_BENCH_API_TOKEN");
        if (!options.TryGetValue("base", out var baseText) || string.IsNullOrEmpty(apiToken))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var site = new Site(new Uri(baseText, UriKind.Absolute), options.TryGetValue("public-url", out var publicUrl) ? new Uri(publicUrl) : null);
        Process? server = options.TryGetValue("server-pid", out var pidText) ? Process.GetProcessById(int.Parse(pidText, CultureInfo.InvariantCulture)) : null;
        var phase = options.GetValueOrDefault("phase", "mixed");
        var state = options.GetValueOrDefault("state");
        return phase switch
        {
            "mixed" => await MixedAsync(site, apiToken, options, state, server, cancel.Token),
            "rate-limit" => await RateLimitAsync(site, apiToken, options, state, cancel.Token),
            _ => Fail($"unknown phase '{phase}'"),
        };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    private static async Task<int> MixedAsync(Site site, string apiToken, Dictionary<string, string> options, string? stateFile, Process? server, CancellationToken cancellationToken)
    {
        var mcpToken = Environment.GetEnvironmentVariable("EF_BENCH_MCP_TOKEN");
        if (string.IsNullOrEmpty(mcpToken))
        {
            return Fail("EF_BENCH_MCP_TOKEN is not set (an MCP-audience token of the same user)");
        }

        using var setupClient = site.Client(apiToken, connections: 1);
        var target = await ChecklistScenario.CreateAsync(setupClient, cancellationToken);
        if (stateFile is not null)
        {
            // The rate-limit phase reads the same project, so it needs no second setup (which would count against the limit).
            await File.WriteAllTextAsync(stateFile, target.Path, cancellationToken);
        }

        // An organization's admin grants MCP access explicitly, to themselves too.
        using (var me = JsonDocument.Parse(await setupClient.GetStringAsync(new Uri("/api/v1/me", UriKind.Relative), cancellationToken)))
        {
            using var grant = await setupClient.PutAsync(new Uri($"/api/v1/organizations/{target.OrganizationId}/mcp-access/{me.RootElement.GetProperty("id").GetGuid()}", UriKind.Relative), null, cancellationToken);
            grant.EnsureSuccessStatusCode();
        }

        var items = ReadItems(target.Json);
        var connections = Math.Min(CommandOptions.Int(options, "connections", 16), items.Count);
        var warmup = TimeSpan.FromSeconds(CommandOptions.Int(options, "warmup", 30));
        var duration = TimeSpan.FromSeconds(CommandOptions.Int(options, "duration", 600));
        var rate = CommandOptions.Int(options, "rate", 0);
        Console.WriteLine($"checklist: {target.Items} items, GET {target.Path}; mix 8 reads : 1 update : 1 MCP get_checklist");
        Console.WriteLine($"load: {connections} connections, {warmup.TotalSeconds:0} s warm-up, {duration.TotalSeconds:0} s measured, {(rate > 0 ? $"open loop at {rate:N0} req/s" : "closed loop")}; machine load {CommandOptions.LoadAverage()}");

        using var api = site.Client(apiToken, connections);
        using var mcp = site.Client(mcpToken, connections);
        var mcpBody = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            jsonrpc = "2.0",
            id = 1,
            method = "tools/call",
            @params = new { name = "get_checklist", arguments = new { organization_id = target.OrganizationId, project_id = target.ProjectId } },
        }));

        var workers = Enumerable.Range(0, connections)
            .Select(w => new MixedWorker(api, mcp, target, mcpBody, [.. items.Where((_, index) => index % connections == w)]))
            .ToArray();
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var interval = rate > 0 ? Stopwatch.Frequency / rate : 0;
        long next = -1;
        long droppedWarmup = 0;

        var memory = new List<(double Seconds, long Rss)>();
        var samples = new List<(double Seconds, int Threads, double CpuMs)>();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = server is null ? Task.CompletedTask : Task.Run(async () =>
        {
            // Every second: the server's threads and CPU time (to tell a busy server from a waiting one when latency
            // spikes), and every fifth second its memory.
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var tick = 0;
            while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
            {
                server.Refresh();
                var seconds = (double)(Stopwatch.GetTimestamp() - measureFrom) / Stopwatch.Frequency;
                if (seconds >= 0)
                {
                    lock (memory)
                    {
                        samples.Add((seconds, server.Threads.Count, server.TotalProcessorTime.TotalMilliseconds));
                        if (tick++ % 5 == 0)
                        {
                            memory.Add((seconds, server.WorkingSet64));
                        }
                    }
                }
            }
        }, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        var cpuBefore = (Server: CpuOf(server), Own: CpuOf(Process.GetCurrentProcess()));

        await Task.WhenAll(workers.Select(worker => Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var scheduled = rate > 0 ? start + (long)(Interlocked.Increment(ref next) * interval) : Math.Max(Stopwatch.GetTimestamp(), start);
                if (scheduled >= measureTo)
                {
                    return;
                }

                var wait = scheduled - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
                }
                else if (rate > 0 && scheduled < measureFrom && -wait > Stopwatch.Frequency)
                {
                    // A warm-up request more than a second behind its schedule is dropped, not sent late: a cold server
                    // (JIT, first connections) falls behind during the warm-up, and that backlog, carried into the
                    // measuring window, made every request of its first seconds seconds late (the p99 of 5-11 s in the
                    // first open-loop runs, with the server answering each request within 0.8 s). Measured requests
                    // are never dropped, however late.
                    Interlocked.Increment(ref droppedWarmup);
                    continue;
                }

                await worker.NextAsync(scheduled, scheduled >= measureFrom, measureTo, cancellationToken);
            }
        }, cancellationToken)));
        await sampling.CancelAsync();
        await sampler;
        var cpu = (Server: CpuOf(server) - cpuBefore.Server, Own: CpuOf(Process.GetCurrentProcess()) - cpuBefore.Own);

        var total = 0;
        var errors = 0;
        foreach (var kind in Enum.GetValues<Operation>())
        {
            var latencies = workers.SelectMany(w => w.Latencies[(int)kind]).ToArray();
            Array.Sort(latencies);
            var failed = workers.Sum(w => w.Errors[(int)kind]);
            var first = workers.Select(w => w.FirstError[(int)kind]).FirstOrDefault(e => e is not null);
            total += latencies.Length + failed;
            errors += failed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-7}: {latencies.Length / duration.TotalSeconds,7:N0} req/s  p50 {Percentile(latencies, 0.50),6:0.00} ms  p99 {Percentile(latencies, 0.99),7:0.00} ms  max {Percentile(latencies, 1),8:0.00} ms  errors {failed}{(first is null ? string.Empty : $" (first: {first})")}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total  : {(total - errors) / duration.TotalSeconds,7:N0} req/s, {total:N0} requests, {errors} errors; server CPU {(server is null ? "n/a" : $"{cpu.Server.TotalMilliseconds * 1000 / Math.Max(1, total):0} µs/req")}, generator CPU {cpu.Own.TotalMilliseconds * 1000 / Math.Max(1, total):0} µs/req"));
        if (memory.Count > 0)
        {
            var minutes = memory.GroupBy(m => (int)(m.Seconds / 60)).OrderBy(g => g.Key)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key + 1}: {g.Average(m => m.Rss) / (1024 * 1024):0}"));
            server!.Refresh();
            Console.WriteLine($"server RSS by minute (MB, mean of 5 s samples): {string.Join("  ", minutes)}; peak {server.PeakWorkingSet64 / (1024 * 1024):N0} MB");
        }

        ReportSlowSeconds(workers, measureFrom, samples);
        if (droppedWarmup > 0)
        {
            Console.WriteLine($"warm-up requests dropped for being over a second behind schedule: {droppedWarmup:N0}");
        }

        Console.WriteLine($"machine load after: {CommandOptions.LoadAverage()}");
        return errors == 0 ? 0 : 1;
    }

    private static async Task<int> RateLimitAsync(Site site, string apiToken, Dictionary<string, string> options, string? stateFile, CancellationToken cancellationToken)
    {
        var quietToken = Environment.GetEnvironmentVariable("EF_BENCH_QUIET_TOKEN");
        if (string.IsNullOrEmpty(quietToken) || stateFile is null || !File.Exists(stateFile))
        {
            return Fail("the rate-limit phase needs EF_BENCH_QUIET_TOKEN (another user's API token) and --state FILE written by the mixed phase");
        }

        var path = (await File.ReadAllTextAsync(stateFile, cancellationToken)).Trim();
        var duration = TimeSpan.FromSeconds(CommandOptions.Int(options, "duration", 20));
        var connections = CommandOptions.Int(options, "connections", 8);
        using var noisy = site.Client(apiToken, connections);
        using var quiet = site.Client(quietToken, 1);
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        var answers = new Dictionary<int, int>();
        var refusalsWithoutFields = new List<string>();
        string? firstRefusal = null;
        var noisyTask = Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
            {
                using var response = await noisy.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                lock (answers)
                {
                    answers[(int)response.StatusCode] = answers.GetValueOrDefault((int)response.StatusCode) + 1;
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        var missing = MissingRefusalFields(response, body);
                        if (missing.Count > 0 && refusalsWithoutFields.Count < 5)
                        {
                            refusalsWithoutFields.Add(string.Join(", ", missing));
                        }

                        firstRefusal ??= $"Retry-After: {Header(response, "Retry-After")}; RateLimit-Limit: {Header(response, "RateLimit-Limit")}; RateLimit-Remaining: {Header(response, "RateLimit-Remaining")}; RateLimit-Reset: {Header(response, "RateLimit-Reset")}; RateLimit-Policy: {Header(response, "RateLimit-Policy")}";
                    }
                }
            }
        }, cancellationToken)));

        // The quiet caller: another user reading their own profile twice a second, throughout.
        var quietLatencies = new List<long>();
        var quietErrors = new List<string>();
        while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
        {
            var begun = Stopwatch.GetTimestamp();
            using (var response = await quiet.GetAsync(new Uri("/api/v1/me", UriKind.Relative), cancellationToken))
            {
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    quietLatencies.Add(Stopwatch.GetTimestamp() - begun);
                }
                else
                {
                    quietErrors.Add($"HTTP {(int)response.StatusCode}");
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        await noisyTask;
        var sortedQuiet = quietLatencies.ToArray();
        Array.Sort(sortedQuiet);
        var others = answers.Where(a => a.Key is not 200 and not 429).ToList();
        Console.WriteLine($"rate limit, noisy caller ({connections} connections, {duration.TotalSeconds:0} s): {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Value:N0} × {a.Key}"))}");
        Console.WriteLine($"  first 429: {firstRefusal ?? "none"}");
        Console.WriteLine($"  429 answers missing a field: {(refusalsWithoutFields.Count == 0 ? "none" : string.Join(" | ", refusalsWithoutFields))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rate limit, quiet caller (another user, 2 req/s): {sortedQuiet.Length} answered, p50 {Percentile(sortedQuiet, 0.5):0.00} ms, max {Percentile(sortedQuiet, 1):0.00} ms, errors {quietErrors.Count}{(quietErrors.Count == 0 ? string.Empty : $" ({quietErrors[0]})")}"));
        var refused = answers.GetValueOrDefault(429) > 0;
        if (!refused)
        {
            Console.WriteLine("  the noisy caller was never refused: is the server's limit lower than the load?");
        }

        return refused && others.Count == 0 && refusalsWithoutFields.Count == 0 && quietErrors.Count == 0 ? 0 : 1;
    }

    private static List<string> MissingRefusalFields(HttpResponseMessage response, string body)
    {
        var missing = new List<string>();
        foreach (var name in new[] { "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy" })
        {
            if (Header(response, name) is null)
            {
                missing.Add(name);
            }
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || !body.Contains("\"status\":429", StringComparison.Ordinal))
        {
            missing.Add("a problem document");
        }

        return missing;
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    private static List<(Guid Id, long Version)> ReadItems(byte[] checklistJson)
    {
        using var document = JsonDocument.Parse(checklistJson);
        return [.. document.RootElement.GetProperty("categories").EnumerateArray()
            .SelectMany(c => c.GetProperty("subcategories").EnumerateArray())
            .SelectMany(s => s.GetProperty("items").EnumerateArray())
            .Select(i => (i.GetProperty("id").GetGuid(), i.GetProperty("version").GetInt64()))];
    }

    private static double Percentile(long[] sorted, double q)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))] * 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// The five seconds of the run whose requests waited longest on the server (from being sent, not from being
    /// scheduled, so a backlog in the generator is not counted), each with the server's threads and CPU use in that
    /// second: a stall with the CPU busy is the server working (garbage collection, a slow query); with the CPU idle and
    /// threads rising, it is waiting (thread-pool starvation, a lock, the database).
    /// </summary>
    private static void ReportSlowSeconds(MixedWorker[] workers, long measureFrom, List<(double Seconds, int Threads, double CpuMs)> samples)
    {
        var bySecond = workers.SelectMany(w => w.Sent)
            .GroupBy(r => (int)((r.SentAt - measureFrom) / Stopwatch.Frequency))
            .Select(g => (Second: g.Key, Count: g.Count(), Max: g.Max(r => r.Service) * 1000.0 / Stopwatch.Frequency))
            .OrderByDescending(g => g.Max).Take(5).OrderBy(g => g.Second).ToList();
        var lines = bySecond.Select(g =>
        {
            var sample = samples.FirstOrDefault(x => x.Seconds >= g.Second + 1);
            var before = samples.LastOrDefault(x => x.Seconds < g.Second + 1);
            var cpu = sample.Seconds > 0 && before.Seconds > 0 ? (sample.CpuMs - before.CpuMs) / ((sample.Seconds - before.Seconds) * 10) : double.NaN;
            return string.Create(CultureInfo.InvariantCulture, $"s{g.Second}: {g.Count} sent, slowest {g.Max:0} ms, server CPU {cpu:0} %, threads {sample.Threads}");
        });
        Console.WriteLine($"slowest seconds (server time from send): {string.Join("; ", lines)}");

        // How late requests left the generator against their schedule: when this is large while the server's own time
        // stays small, the latency tail is the generator (or the machine) falling behind, not the server.
        var late = workers.SelectMany(w => w.Sent)
            .GroupBy(r => (int)((r.SentAt - measureFrom) / Stopwatch.Frequency))
            .Select(g => (Second: g.Key, Late: g.Max(r => r.Late) * 1000.0 / Stopwatch.Frequency, Server: g.Max(r => r.Service) * 1000.0 / Stopwatch.Frequency))
            .OrderByDescending(g => g.Late).Take(5).OrderBy(g => g.Second)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"s{g.Second}: sent up to {g.Late:0} ms late, server at most {g.Server:0} ms"));
        Console.WriteLine($"latest sends against the schedule: {string.Join("; ", late)}");
    }

    private static TimeSpan CpuOf(Process? process)
    {
        if (process is null)
        {
            return TimeSpan.Zero;
        }

        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>The server's address, and the public address it believes it has behind a pretend TLS-terminating proxy.</summary>
    private sealed record Site(Uri Base, Uri? Public)
    {
        public HttpClient Client(string token, int connections)
        {
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = connections,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                AllowAutoRedirect = false,
            };
            var client = new HttpClient(handler) { BaseAddress = Base, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (Public is { Scheme: "https" })
            {
                client.DefaultRequestHeaders.Host = Public.Authority;
                client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            }

            return client;
        }
    }

    private enum Operation
    {
        Read,
        Update,
        Mcp,
    }

    /// <summary>
    /// One connection's worth of traffic. Its own items (no other worker updates them), whose versions it keeps
    /// from its own answers, so every update's If-Match is right and any 409 or 412 is a real error.
    /// </summary>
    private sealed class MixedWorker(HttpClient api, HttpClient mcp, ChecklistTarget target, byte[] mcpBody, (Guid Id, long Version)[] items)
    {
        private static readonly string[] Statuses = ["InProgress", "Done", "InProgress", "NotStarted"];
        private readonly byte[] buffer = new byte[64 * 1024];
        private long sent;

        public List<long>[] Latencies { get; } = [[], [], []];

        /// <summary>When each measured request was sent and how long the server took to answer it (Stopwatch ticks).</summary>
        public List<(long SentAt, long Service, long Late)> Sent { get; } = [];

        public int[] Errors { get; } = new int[3];

        public string?[] FirstError { get; } = new string?[3];

        public async Task NextAsync(long scheduled, bool record, long measureTo, CancellationToken cancellationToken)
        {
            var n = sent++;
            var sentAt = Stopwatch.GetTimestamp();
            var operation = (n % 10) switch
            {
                3 => Operation.Update,
                7 => Operation.Mcp,
                _ => Operation.Read,
            };
            string? error;
            try
            {
                error = operation switch
                {
                    Operation.Update => await UpdateAsync(n, cancellationToken),
                    Operation.Mcp => await McpAsync(cancellationToken),
                    _ => await ReadAsync(cancellationToken),
                };
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = "timed out after 30 s";
            }

            var done = Stopwatch.GetTimestamp();
            if (!record || done > measureTo)
            {
                return;
            }

            Sent.Add((sentAt, done - sentAt, sentAt - scheduled));
            if (error is null)
            {
                Latencies[(int)operation].Add(done - scheduled);
            }
            else
            {
                Errors[(int)operation]++;
                FirstError[(int)operation] ??= error;
            }
        }

        private async Task<string?> ReadAsync(CancellationToken cancellationToken)
        {
            using var response = await api.GetAsync(new Uri(target.Path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var length = await DrainAsync(response, cancellationToken);
            return response.StatusCode != HttpStatusCode.OK ? $"read: HTTP {(int)response.StatusCode}"
                : length < target.Json.Length / 2 ? $"read: a body of {length} bytes"
                : null;
        }

        private async Task<string?> UpdateAsync(long n, CancellationToken cancellationToken)
        {
            var slot = (int)(n / 10 % items.Length);
            var (id, version) = items[slot];
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{target.Path}/items/{id}", UriKind.Relative))
            {
                Content = new StringContent(JsonSerializer.Serialize(new { status = Statuses[n / 10 % Statuses.Length], notes = $"Load round {n}: checked with the team." }), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
            using var response = await api.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"update: HTTP {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}";
            }

            using var updated = JsonDocument.Parse(body);
            items[slot] = (id, updated.RootElement.GetProperty("version").GetInt64());
            return null;
        }

        private async Task<string?> McpAsync(CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/mcp", UriKind.Relative)) { Content = new ByteArrayContent(mcpBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-06-18");
            using var response = await mcp.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode != HttpStatusCode.OK ? $"mcp: HTTP {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}"
                : body.Contains("\"error\":{", StringComparison.Ordinal) || body.Contains("\"isError\":true", StringComparison.Ordinal) || !body.Contains("\"structuredContent\"", StringComparison.Ordinal)
                    ? $"mcp: {body[..Math.Min(body.Length, 200)]}"
                : null;
        }

        private async Task<int> DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var length = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                length += read;
            }

            return length;
        }
    }
}
