using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// <c>GET /system/framework/export.zip</c>: the system framework as the REST export gives it, on the session cookie,
/// for the System pages' download link. The same use case, so anyone but a super-admin gets a 404.
/// </summary>
internal static class SystemFrameworkDownload
{
    public const string Path = "/system/framework/export.zip";

    public static void MapSystemFrameworkDownload(this IEndpointRouteBuilder endpoints)
        => endpoints.MapGet(Path, DownloadAsync).ExcludeFromDescription();

    private static async Task<IResult> DownloadAsync(HttpContext http, UiSession session, SystemFrameworkService frameworks)
    {
        var user = await session.ResolveAsync(http);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        try
        {
            using var zip = new MemoryStream();
            var hash = await frameworks.ExportAsync(user.Caller, zip, http.RequestAborted);
            return TypedResults.File(zip.ToArray(), "application/zip", $"framework-{hash[..12]}.zip");
        }
        catch (NotFoundException)
        {
            // Not a super-admin (or no framework yet): the route does not exist for them; the host adds its error page.
            return TypedResults.NotFound();
        }
    }
}
