using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Writes every problem as <c>application/problem+json</c>, whatever the client's Accept header says. ASP.NET Core's own
/// writer declines when the client accepts no JSON (an API call made with <c>Accept: text/html</c>), and the answer then
/// fell back to a bare <c>text/plain</c> "Status Code: 404"; a program reading this API always gets the document, and a
/// person's browser gets the error page before any problem is written (<see cref="Ui.Errors.BrowserErrors"/>).
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json", context.HttpContext.RequestAborted));
    }
}
