using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Every error is an RFC 9457 problem details document. Exception text and stack traces reach the
/// client only in Development; elsewhere a 500 says nothing but its trace id.
/// </summary>
internal static class ProblemResponses
{
    public static IServiceCollection AddAppProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<AppExceptionHandler>();
        // Minimal APIs answer a bad body with a bare 400 unless told to throw; throwing lets the
        // exception handler answer with a problem document instead.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.AllowTrailingCommas = false);
        return services;
    }

    public static IApplicationBuilder UseAppProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        // Empty 4xx/5xx answers (404 for an unknown route, 405, 401 challenges) get a problem body too.
        app.UseStatusCodePages();
        return app;
    }
}

internal sealed partial class AppExceptionHandler(IProblemDetailsService problems, IHostEnvironment environment, ILogger<AppExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, "Request body too large", "The request body exceeds the size this server accepts."),
            BadHttpRequestException { InnerException: System.Text.Json.JsonException } =>
                (StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON for this operation."),
            BadHttpRequestException bad =>
                (bad.StatusCode, "Bad request", "The request could not be read."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error", "An unexpected error occurred. Quote the trace id when reporting it."),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, exception);
        }

        if (environment.IsDevelopment())
        {
            // Developers see what went wrong; nobody else ever does.
            detail = exception.ToString();
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
