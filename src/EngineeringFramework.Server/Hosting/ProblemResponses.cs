using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using EngineeringFramework.Authz;
using EngineeringFramework.Core.UseCases;
using Microsoft.AspNetCore.Http.Json;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Every error is an RFC 9457 problem details document, except for a person's browser asking for a page, which gets
/// the same answer as an HTML page in the product's layout (<see cref="Ui.Errors.BrowserErrors"/>). Exception text and
/// stack traces reach the client only in Development; elsewhere a 500 says nothing but its trace id.
/// </summary>
internal static class ProblemResponses
{
    public static IServiceCollection AddAppProblemDetails(this IServiceCollection services)
    {
        // First of the writers, so it is the one used (see ProblemJsonWriter).
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<AppExceptionHandler>();
        // A use case's "not found" is a real answer, not a missing route: let the handler's 404 stand.
        services.Configure<ExceptionHandlerOptions>(o => o.AllowStatusCode404Response = true);
        // Minimal APIs answer a bad body with a bare 400 unless told to throw; throwing lets the
        // exception handler answer with a problem document instead.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.AllowTrailingCommas = false);
        return services;
    }

    public static IApplicationBuilder UseAppProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.Use(RefuseUnknownCharset);
        // Empty 4xx/5xx answers (404 for an unknown route or a malformed id in a page's route, 405, 401 challenges) get a
        // body too: a browser asking for a page gets the product's error page, every other client a problem document.
        // Who is asking is looked at only once an answer is an empty error, not on every request.
        app.UseStatusCodePages(WriteEmptyErrorAsync);
        return app;
    }

    /// <summary>The body of an empty error answer: the error page for a browser, otherwise what ASP.NET Core's own handler writes, a problem document.</summary>
    private static async Task WriteEmptyErrorAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (Ui.Errors.BrowserErrors.Wants(http))
        {
            await Ui.Errors.BrowserErrors.WriteAsync(http);
            return;
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = http.Response.StatusCode },
        });
    }

    /// <summary>
    /// A body in a charset .NET does not know (<c>application/json; charset=bogus</c>) makes the minimal API's JSON reader
    /// throw an InvalidOperationException, a 500; it is the client's error, answered 415 like any other body this server
    /// cannot read, before anything reads it.
    /// </summary>
    private static Task RefuseUnknownCharset(HttpContext context, RequestDelegate next)
    {
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            && type.Charset.HasValue && !IsReadable(type))
        {
            throw new BadHttpRequestException($"The charset '{type.Charset}' is not supported.", StatusCodes.Status415UnsupportedMediaType);
        }

        return next(context);
    }

    /// <summary>Whether .NET can decode the charset: unknown names give null, and UTF-7 (disabled, SYSLIB0001) throws.</summary>
    private static bool IsReadable(Microsoft.Net.Http.Headers.MediaTypeHeaderValue type)
    {
        try
        {
            return type.Encoding is not null;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}

internal sealed partial class AppExceptionHandler(IProblemDetailsService problems, IHostEnvironment environment, ILogger<AppExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is FluentValidation.ValidationException validation)
        {
            // 400 naming every offending field, in the shape of ASP.NET Core's validation problems.
            var errors = validation.Errors
                .GroupBy(e => ToCamelCasePath(e.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await WriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new HttpValidationProblemDetails(errors) { Status = 400, Title = "Invalid request", Detail = "One or more fields are invalid." },
            });
        }

        if (exception is BadHttpRequestException { InnerException: System.Text.Json.JsonException json } && FieldOf(json) is { } field)
        {
            // Well-formed JSON with a value of the wrong type ("targetDate": "soon", "status": "Bogus"): a validation
            // problem naming the field, like any other invalid input. The exception's own text stays internal.
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await WriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [$"'{field}' does not have a value of the expected type."] })
                {
                    Status = 400,
                    Title = "Invalid request",
                    Detail = "One or more fields are invalid.",
                },
            });
        }

        if (exception is FieldForbiddenException refused)
        {
            // 403, not 404: the caller holds what they sent (an invitation link) and may learn that it works, only not
            // for them. Not 409 either: no change of state makes it work for this caller; another account would.
            var refusedField = ToCamelCasePath(refused.Field);
            httpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
            return await WriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [refusedField] = [refused.Message] })
                {
                    Status = 403,
                    Title = "Forbidden",
                    Detail = refused.Message,
                },
            });
        }

        if (exception is AuthorizationUnavailableException unavailable)
        {
            LogAuthorizationUnavailable(logger, unavailable.Message);
            return await WriteUnavailableAsync(httpContext, exception, "Authorization unavailable", "Permissions cannot be checked right now, so nothing was done. Try again in a few seconds.");
        }

        if (Core.Data.DatabaseUnavailable.Explains(exception))
        {
            LogDatabaseUnavailable(logger, exception.GetBaseException().Message);
            return await WriteUnavailableAsync(httpContext, exception, "Database unavailable", "The database cannot be reached right now. Nothing was changed by a request that failed this way; try again in a few seconds.");
        }

        var (status, title, detail) = exception switch
        {
            NotFoundException notFound => (StatusCodes.Status404NotFound, "Not found", notFound.Message),
            ForbiddenException forbidden => (StatusCodes.Status403Forbidden, "Forbidden", forbidden.Message),
            ConflictException conflict => (StatusCodes.Status409Conflict, "Conflict", conflict.Message),
            PreconditionFailedException stale => (StatusCodes.Status412PreconditionFailed, "Precondition failed", stale.Message),
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

        if (environment.IsDevelopment() && status >= 500)
        {
            // Developers see what went wrong; nobody else ever does.
            detail = exception.ToString();
        }

        httpContext.Response.StatusCode = status;
        return await WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// A service the request needs could not answer: the authorization server (remote OpenFGA down, or the outbox could
    /// not be delivered), where nothing was decided, so the answer is neither 403 nor 404 and access is never granted; or
    /// the database. Either way 503 with Retry-After, which a client may retry. Browsers get the error page; API and MCP
    /// clients a problem document.
    /// </summary>
    private async ValueTask<bool> WriteUnavailableAsync(HttpContext httpContext, Exception exception, string title, string detail)
    {
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        httpContext.Response.Headers.CacheControl = "no-store";
        return await WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = 503, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// The problem document, or for a browser asking for a page the error page with the same status: a server error's page
    /// carries the trace id (and the exception in Development only), a refusal, conflict or outage its own words.
    /// </summary>
    private async ValueTask<bool> WriteAsync(ProblemDetailsContext problem)
    {
        var context = problem.HttpContext;
        if (!Ui.Errors.BrowserErrors.Wants(context))
        {
            return await problems.TryWriteAsync(problem);
        }

        var status = context.Response.StatusCode;
        await Ui.Errors.BrowserErrors.WriteAsync(
            context,
            traceId: status >= 500 ? Activity.Current?.Id ?? context.TraceIdentifier : null,
            detail: status >= 500 && environment.IsDevelopment() ? problem.Exception?.ToString() : null,
            message: status is StatusCodes.Status403Forbidden or StatusCodes.Status409Conflict or StatusCodes.Status503ServiceUnavailable ? problem.ProblemDetails.Detail : null);
        return true;
    }

    /// <summary>Seconds a client should wait; the delivery worker's first retry comes sooner.</summary>
    internal const string RetryAfterSeconds = "5";

    /// <summary>
    /// The member a conversion failure is about (<c>$.targetDate</c> → <c>targetDate</c>), or null for a syntax error
    /// (the reader's own exception is the inner one) or a failure that names no member.
    /// </summary>
    internal static string? FieldOf(System.Text.Json.JsonException json)
    {
        if (json.InnerException is System.Text.Json.JsonException || json.Path is not { Length: > 2 } path || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        return path[2..];
    }

    /// <summary><c>Items[2].EvidenceLinks[0]</c> → <c>items[2].evidenceLinks[0]</c>, matching the JSON the client sent.</summary>
    internal static string ToCamelCasePath(string path)
        => string.Join('.', path.Split('.').Select(part => part.Length > 0 ? char.ToLowerInvariant(part[0]) + part[1..] : part));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: the database is unavailable ({Reason})")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: the authorization server is unavailable ({Reason})")]
    private static partial void LogAuthorizationUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
