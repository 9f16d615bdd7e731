using EngineeringFramework.Core.Data;
using EngineeringFramework.Testing;
using Microsoft.Playwright;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// The machine's own Chromium (never a browser Playwright would download: CI reaches package registries only),
/// driven headless through Playwright's driver, which the NuGet package copies into <c>.playwright/</c> of the
/// test output. Saves a screenshot per step, named by run (the database the server uses) so the SQLite and the
/// PostgreSQL pass keep theirs, and a Playwright trace when the journey fails.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutableVariable = "EF_E2E_CHROMIUM";
    public const string DefaultExecutable = "/usr/bin/chromium";

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly IBrowserContext context;
    private readonly string run;
    private int step;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, string run)
    {
        this.playwright = playwright;
        this.browser = browser;
        this.context = context;
        this.run = run;
        Page = page;
    }

    public IPage Page { get; }

    public static string ExecutablePath
        => Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : DefaultExecutable;

    /// <summary><c>$EF_ARTIFACTS_PATH/e2e-screenshots</c>, else <c>e2e-screenshots</c> beside the test assembly.</summary>
    public static string ScreenshotFolder
        => Path.Combine(
            Environment.GetEnvironmentVariable("EF_ARTIFACTS_PATH") is { Length: > 0 } artifacts ? artifacts : AppContext.BaseDirectory,
            "e2e-screenshots");

    /// <summary>The run's name in artifact file names: which database the server under test uses.</summary>
    public static string RunName => TestDatabase.DefaultProvider == DatabaseProvider.Postgres ? "postgres" : "sqlite";

    /// <summary>
    /// A missing browser fails the test in CI (where <c>.ci/run</c> installs it, so its absence is a broken
    /// pipeline) and skips it elsewhere, with the command that installs it.
    /// </summary>
    public static void RequireExecutable()
    {
        var path = ExecutablePath;
        if (File.Exists(path))
        {
            return;
        }

        var message = $"The end-to-end test needs Chromium at {path} (install it with 'apt-get install -y chromium', or point {ExecutableVariable} at a Chromium executable).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message + " CI must have it: .ci/run installs it before the tests.");
        }

        Assert.Skip(message);
    }

    public static async Task<HeadlessChromium> LaunchAsync(Uri baseAddress)
    {
        RequireExecutable();
        var run = RunName;
        Directory.CreateDirectory(ScreenshotFolder);
        foreach (var stale in Directory.EnumerateFiles(ScreenshotFolder, run + "-*"))
        {
            File.Delete(stale);
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true });
            var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
            // Upper bounds for auto-waiting, generous because CI machines are shared; no step waits for them to pass.
            context.SetDefaultTimeout(60_000);
            context.SetDefaultNavigationTimeout(60_000);
            await context.Tracing.StartAsync(new() { Screenshots = true, Snapshots = true, Sources = false });
            var page = await context.NewPageAsync();
            return new HeadlessChromium(playwright, browser, context, page, run);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A full-page screenshot named <c>{run}-{NN}-{name}.png</c>.</summary>
    public Task ScreenshotAsync(string name)
    {
        step++;
        var file = Path.Combine(ScreenshotFolder, $"{run}-{step:D2}-{name}.png");
        return Page.ScreenshotAsync(new() { Path = file, FullPage = true });
    }

    /// <summary>
    /// After a failed step: the page as it was, and the trace of everything so far in <c>{run}-trace.zip</c>
    /// (open it with <c>playwright show-trace</c>). A browser that is gone already must not hide the failure.
    /// </summary>
    public async Task SaveFailureAsync()
    {
        try
        {
            await ScreenshotAsync("failure");
        }
        catch (PlaywrightException)
        {
        }

        try
        {
            await context.Tracing.StopAsync(new() { Path = Path.Combine(ScreenshotFolder, $"{run}-trace.zip") });
        }
        catch (PlaywrightException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
