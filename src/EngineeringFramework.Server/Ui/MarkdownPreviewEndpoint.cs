using EngineeringFramework.Core.Frameworks.Versions;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// <c>POST /system/framework/preview</c>: the live preview behind the System edit forms. <c>/js/markdown-preview.js</c>
/// posts the text being typed (form field <c>markdown</c>, with the page's antiforgery token, which form binding makes
/// the endpoint require) and shows the HTML fragment this answers. The same use case as the forms' "Preview" button,
/// which still works without script; anyone but a super-admin gets a 404, and invalid text a 400 naming
/// <c>markdown</c> (the host's problem handling).
/// </summary>
internal static class MarkdownPreviewEndpoint
{
    public const string Path = "/system/framework/preview";

    public static void MapMarkdownPreview(this IEndpointRouteBuilder endpoints)
        => endpoints.MapPost(Path, PreviewAsync).ExcludeFromDescription();

    private static async Task<IResult> PreviewAsync([FromForm(Name = "markdown")] string? markdown, HttpContext http, UiSession session, SystemFrameworkService frameworks)
    {
        var user = await session.ResolveAsync(http);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var html = await frameworks.PreviewAsync(user.Caller, string.IsNullOrWhiteSpace(markdown) ? null : markdown, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}
