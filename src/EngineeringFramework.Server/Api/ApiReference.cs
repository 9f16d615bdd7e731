namespace EngineeringFramework.Server.Api;

/// <summary>
/// A browsable reference of the REST API at <c>/api/reference</c>, in Development only (like the OpenAPI document
/// it reads). Swagger UI's page, scripts and styles come from the Swashbuckle package's embedded files and are served
/// from this origin: no CDN, works offline, and the page keeps to the host's CSP (no inline script or style).
/// </summary>
internal static class ApiReference
{
    public const string Path = "/api/reference";

    public static void MapApiReference(this WebApplication app)
        => app.MapSwaggerUI(Path.TrimStart('/'), o =>
            {
                o.DocumentTitle = "Engineering Framework API reference";
                o.SwaggerEndpoint("/openapi/v1.json", "Engineering Framework API v1");
                o.DisplayOperationId();
                o.EnableDeepLinking();
                // Never ask a public validator about our document: everything stays on this machine.
                o.ConfigObject.ValidatorUrl = null;
            })
            .AllowAnonymous();
}
