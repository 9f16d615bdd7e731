using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Testing;
using Microsoft.Playwright;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// The machine's own Chromium (never a browser Playwright would download: CI reaches package registries only),
/// driven headless through Playwright's driver, which the NuGet package copies into <c>.playwright/</c> of the
/// test output. Saves a screenshot per step, named by run (the database the server uses) so the SQLite and the
/// PostgreSQL pass keep theirs, and by journey so the journeys of one run keep theirs, and a Playwright trace when
/// the journey fails. Watches every page for Content Security Policy reports (see <see cref="ContentSecurityPolicyReports"/>).
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutableVariable = "EF_E2E_CHROMIUM";
    public const string DefaultExecutable = "/usr/bin/chromium";

    /// <summary>
    /// Makes every violation the page's own policy reports visible as a console line, whatever Chromium itself logs: a
    /// <c>securitypolicyviolation</c> event is raised in the document whose policy refused something, including a
    /// <c>form-action</c> refusal of a redirect after its form was posted. Added by Playwright to each new document,
    /// outside the page's policy.
    /// </summary>
    private const string ViolationReporter = """
        document.addEventListener('securitypolicyviolation', e =>
          console.error(`Content Security Policy violation: ${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} on ${e.documentURI}`));
        """;

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly IBrowserContext context;
    private readonly string prefix;
    private readonly ConcurrentQueue<string> reports = new();
    private readonly TaskCompletionSource<string> firstReport = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int step;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, string prefix)
    {
        this.playwright = playwright;
        this.browser = browser;
        this.context = context;
        this.prefix = prefix;
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

        Prerequisite.Missing($"The end-to-end test needs Chromium at {path} (install it with 'apt-get install -y chromium', or point {ExecutableVariable} at a Chromium executable; .ci/run installs it before the tests).");
    }

    /// <summary>
    /// Everything the browser reported against a page's Content Security Policy so far (Chromium's "Refused to …
    /// because it violates the following Content Security Policy directive" lines and the pages' own violation
    /// events), and every uncaught page error (a script the policy blocked half-way shows up there).
    /// </summary>
    public IReadOnlyCollection<string> ContentSecurityPolicyReports => reports;

    /// <summary>Completes with the first report; for the test that proves the watch sees what it must.</summary>
    public Task<string> FirstContentSecurityPolicyReport => firstReport.Task;

    /// <param name="baseAddress">The server under test.</param>
    /// <param name="journey">
    /// Names this journey's files, <c>{run}-{journey}-NN-step.png</c>; without it they are <c>{run}-NN-step.png</c>.
    /// Only this journey's earlier files are removed, so journeys of one run never delete each other's screenshots.
    /// </param>
    public static async Task<HeadlessChromium> LaunchAsync(Uri baseAddress, string? journey = null)
    {
        RequireExecutable();
        var prefix = journey is null ? RunName : $"{RunName}-{journey}";
        Directory.CreateDirectory(ScreenshotFolder);
        var ownFiles = new Regex("^" + Regex.Escape(prefix) + @"-(\d{2}-.+\.png|trace\.zip)$", RegexOptions.CultureInvariant);
        foreach (var stale in Directory.EnumerateFiles(ScreenshotFolder).Where(f => ownFiles.IsMatch(Path.GetFileName(f))))
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
            await context.AddInitScriptAsync(ViolationReporter);
            var page = await context.NewPageAsync();
            var chromium = new HeadlessChromium(playwright, browser, context, page, prefix);
            context.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                {
                    chromium.Report($"console {message.Type}: {message.Text} (at {message.Location})");
                }
            };
            context.WebError += (_, error) => chromium.Report($"page error: {error.Error}");
            return chromium;
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="script"/> in every document this browser opens from now on, before the page's own scripts;
    /// Playwright adds it outside the page's Content Security Policy (as it adds the violation reporter).
    /// </summary>
    public Task AddScriptToEveryPageAsync(string script) => context.AddInitScriptAsync(script);

    /// <summary>A full-page screenshot named <c>{run}[-{journey}]-{NN}-{name}.png</c>.</summary>
    public Task ScreenshotAsync(string name)
    {
        step++;
        var file = Path.Combine(ScreenshotFolder, $"{prefix}-{step:D2}-{name}.png");
        return Page.ScreenshotAsync(new() { Path = file, FullPage = true });
    }

    /// <summary>
    /// Runs a journey; when it fails, saves the page and the trace (<see cref="SaveFailureAsync"/>) and adds what the
    /// browser reported against the pages' policy to the failure: a redirect the policy refused shows up as a wait
    /// that timed out, far from its cause.
    /// </summary>
    public async Task WalkAsync(Func<Task> journey)
    {
        try
        {
            await journey();
        }
        catch (Exception failure)
        {
            await SaveFailureAsync();
            if (reports.IsEmpty)
            {
                throw;
            }

            throw new Xunit.Sdk.XunitException($"{failure.Message}\nThe browser reported:\n{string.Join('\n', reports)}", failure);
        }
    }

    /// <summary>Fails, listing them, when the browser reported anything against a page's policy (or a page error).</summary>
    public void AssertNoContentSecurityPolicyReports()
        => Assert.True(reports.IsEmpty, "The browser reported:\n" + string.Join('\n', reports));

    /// <summary>
    /// After a failed step: the page as it was, and the trace of everything so far in <c>{run}[-{journey}]-trace.zip</c>
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
            await context.Tracing.StopAsync(new() { Path = Path.Combine(ScreenshotFolder, $"{prefix}-trace.zip") });
        }
        catch (PlaywrightException)
        {
        }
    }

    private void Report(string report)
    {
        reports.Enqueue(report);
        firstReport.TrySetResult(report);
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
