using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Search;

public static class SearchServiceCollectionExtensions
{
    public static IServiceCollection AddSearch(this IServiceCollection services) => services.AddScoped<SearchService>();
}
