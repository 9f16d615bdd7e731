using System.Text.Json;
using EngineeringFramework.Testing;
using Microsoft.Playwright;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>axe-core (the npm package pinned in <c>.ci/axe</c>, installed by <c>npm ci</c> there as <c>.ci/run</c> does) in a page.</summary>
internal static class Axe
{
    private static string ScriptPath => Repository.InRepository(".ci", "axe", "node_modules", "axe-core", "axe.min.js");

    /// <summary>The script; a test that is about accessibility skips without it (and fails in CI).</summary>
    public static string Script()
    {
        if (!File.Exists(ScriptPath))
        {
            Prerequisite.Missing($"The accessibility test needs axe-core at {ScriptPath}: run 'npm ci' in .ci/axe (.ci/run does).");
        }

        return File.ReadAllText(ScriptPath);
    }

    /// <summary>
    /// The script for a journey that also checks a page it reaches on the way: null outside CI when it is not installed
    /// (the journey still runs, without that check); in CI, where it is always installed, its absence fails the test.
    /// </summary>
    public static string? ScriptIfInstalled()
    {
        if (!File.Exists(ScriptPath) && Prerequisite.InContinuousIntegration)
        {
            Assert.Fail($"axe-core is missing at {ScriptPath}; CI (CI=true) installs it with 'npm ci' in .ci/axe.");
        }

        return File.Exists(ScriptPath) ? File.ReadAllText(ScriptPath) : null;
    }

    /// <summary>
    /// Runs axe on the page as it is now (the script must be in it, from <see cref="HeadlessChromium.AddScriptToEveryPageAsync"/>):
    /// each violation of serious or critical impact of the WCAG 2 A/AA rules and axe's best practices, as one line.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page, string where)
    {
        var result = await page.EvaluateAsync<JsonElement>(Run);
        return [.. result.EnumerateArray().Select(violation =>
            $"{where}: {violation.GetProperty("id").GetString()} [{violation.GetProperty("impact").GetString()}] {violation.GetProperty("help").GetString()} at {violation.GetProperty("targets").GetString()}")];
    }

    private const string Run = """
        async () => {
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
          return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ') }));
        }
        """;
}
