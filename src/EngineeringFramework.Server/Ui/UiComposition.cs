namespace EngineeringFramework.Server.Ui;

/// <summary>
/// The web UI: Blazor components rendered on the server (static SSR, no interactivity), plain HTML forms that post
/// back with an antiforgery token, and the browser's session cookie for identity. The one script,
/// <c>/js/markdown-preview.js</c>, only enhances the System edit forms with a live preview; every page works without it.
/// Every page sits behind the host's deny-by-default policy, so an anonymous browser is sent to sign in.
/// </summary>
internal static class UiComposition
{
    public static IServiceCollection AddAppUi(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddScoped<UiSession>();
        return services;
    }

    public static WebApplication MapAppUi(this WebApplication app)
    {
        app.MapRazorComponents<App>();
        app.MapTemplateDownload();
        app.MapExportDownloads();
        app.MapSystemFrameworkDownload();
        app.MapOrganizationArchiveDownload();
        app.MapMarkdownPreview();
        return app;
    }
}
