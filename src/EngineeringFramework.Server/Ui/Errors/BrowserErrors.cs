using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Ui.Errors;

/// <summary>
/// Which failed requests are a person's browser, and the page they get. A browser asking for a page (any address outside
/// the machine surfaces, with <c>text/html</c> in its Accept header) gets <see cref="ErrorDocument"/> in the product's
/// layout; the REST API, the MCP endpoint, the sign-in authority's protocol endpoints, the webhook and the health checks
/// keep their problem documents whatever the client accepts, since programs read them.
/// </summary>
internal static class BrowserErrors
{
    private static readonly string[] MachinePaths = ["/api", "/mcp", "/connect", "/.well-known", "/webhooks", "/health"];

    public static bool Wants(HttpContext context)
    {
        var path = context.Request.Path;
        foreach (var machine in MachinePaths)
        {
            if (path.StartsWithSegments(machine, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Writes the error page for the response's status code (already set), unless the response has begun. The page is
    /// rendered with services of a scope of its own: a page that failed while rendering leaves its scope's navigation and
    /// component state behind, and rendering again in that scope throws.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, string? traceId = null, string? detail = null, string? message = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        var status = context.Response.StatusCode;
        var page = new RazorComponentResult<ErrorDocument>(new Dictionary<string, object?>
        {
            [nameof(ErrorDocument.StatusCode)] = status,
            [nameof(ErrorDocument.TraceId)] = traceId,
            [nameof(ErrorDocument.Detail)] = detail,
            [nameof(ErrorDocument.Message)] = message,
            [nameof(ErrorDocument.SignedIn)] = context.User.Identity?.IsAuthenticated == true,
        })
        {
            StatusCode = status,
            ContentType = "text/html; charset=utf-8",
        };
        var requestServices = context.RequestServices;
        await using var scope = requestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        try
        {
            await page.ExecuteAsync(context);
        }
        finally
        {
            context.RequestServices = requestServices;
        }
    }
}
