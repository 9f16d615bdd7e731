using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Benchmarks.RestLoad;

/// <summary>
/// The ceiling: a minimal Kestrel app (no authentication, no database, no middleware) answering one path with
/// the exact JSON bytes the real endpoint returned, from memory. It runs as its own process, started by
/// <c>rest-load</c>, so server and load generator are separate processes here as they are for the real server;
/// it lives in the benchmark only and is never part of the product.
/// </summary>
internal static class CeilingServer
{
    public const string Command = "ceiling-serve";

    /// <summary><c>ceiling-serve PATH BODY_FILE</c>: listens on a free loopback port and prints its base URL as the first line.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 3)
        {
            await Console.Error.WriteLineAsync($"usage: {Command} PATH BODY_FILE");
            return 2;
        }

        var path = args[1];
        var body = await File.ReadAllBytesAsync(args[2]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        await using var app = builder.Build();
        app.MapGet(path, (HttpContext context) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        await app.StartAsync();
        Console.WriteLine(app.Urls.First());
        Console.Out.Flush();

        // Runs until the parent closes our standard input (or dies).
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    /// <summary>Starts the ceiling as a child process of this one, with the server GC the real server uses.</summary>
    public static async Task<(Process Process, Uri BaseAddress)> StartAsync(string path, string bodyFile)
    {
        var self = typeof(CeilingServer).Assembly.Location;
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(self);
        }

        start.ArgumentList.Add(Command);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(bodyFile);
        // The product server runs with the web SDK's default, server GC; give the ceiling the same.
        start.Environment["DOTNET_gcServer"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the ceiling server");
        var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the ceiling server exited before listening");
        return (process, new Uri(line.Trim(), UriKind.Absolute));
    }
}
