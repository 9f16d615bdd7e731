using System.Text.Json;
using Microsoft.Extensions.FileProviders;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// Serves the UI's stylesheet and icons from <c>wwwroot</c>, anonymously (a sign-in page needs its CSS too)
/// and before authorization, so no asset ever depends on a session.
/// </summary>
/// <remarks>
/// A published server finds <c>wwwroot</c> under its content root. A build that is run in place (development,
/// tests, whose host names another application) finds it through the SDK's static web assets manifest,
/// written beside this assembly, which names the source folder.
/// </remarks>
internal static class UiStaticFiles
{
    private const string ManifestName = "EngineeringFramework.Server.staticwebassets.runtime.json";

    public static IApplicationBuilder UseAppUiStaticFiles(this WebApplication app)
    {
        var providers = new List<IFileProvider> { app.Environment.WebRootFileProvider };
        providers.AddRange(BuildOutputRoots().Select(root => new PhysicalFileProvider(root)));
        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new CompositeFileProvider(providers),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
    }

    /// <summary>Folders served whole ("**" at the root) by the build's manifest; none after publishing.</summary>
    private static IEnumerable<string> BuildOutputRoots()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, ManifestName);
        if (!File.Exists(manifest))
        {
            return [];
        }

        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        var roots = document.RootElement.GetProperty("ContentRoots").EnumerateArray().Select(r => r.GetString()).ToList();
        if (!document.RootElement.GetProperty("Root").TryGetProperty("Patterns", out var patterns) || patterns.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. patterns.EnumerateArray()
            .Where(pattern => pattern.GetProperty("Pattern").GetString() == "**")
            .Select(pattern => roots[pattern.GetProperty("ContentRootIndex").GetInt32()])
            .OfType<string>()
            .Where(Directory.Exists)];
    }
}
