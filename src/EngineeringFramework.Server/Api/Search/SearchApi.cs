using EngineeringFramework.Core.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.Search;

/// <summary><c>/api/v1/organizations/{orgId}/search</c>: projects, checklist items and framework definitions, best first.</summary>
internal static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder endpoints)
    {
        var search = endpoints.MapOrganizationGroup("/search", "Search");
        search.MapGet("/", SearchAsync).WithName("Search")
            .WithSummary("Projects (name, description), checklist items (name, notes) and definitions of the current framework matching every word of q (each word as a prefix; only letters and digits count), best first, titles before text; limit 1-50 (default 20). Titles and excerpts come as fragments, matches marked.")
            .ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<Ok<SearchResults>> SearchAsync(Guid orgId, string? q, string? limit, HttpContext context, SearchService search, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        if (q is null)
        {
            query.Fail("q", "'q' is required: the words to search for.");
        }

        var size = query.Int(limit, "limit");
        query.ThrowIfInvalid();
        var request = new SearchRequest(q!);
        request = size is { } n ? request with { Limit = n } : request;
        try
        {
            return TypedResults.Ok(await search.SearchAsync(context.GetCaller(), orgId, request, cancellationToken));
        }
        catch (FluentValidation.ValidationException e)
        {
            // The use case names its own fields; on this route the query is the parameter q.
            throw new FluentValidation.ValidationException(e.Errors.Select(f => f.PropertyName == nameof(SearchRequest.Query)
                ? new FluentValidation.Results.ValidationFailure("q", f.ErrorMessage.Replace("'Query'", "'q'", StringComparison.Ordinal))
                : f));
        }
    }
}
