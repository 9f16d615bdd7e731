using EngineeringFramework.Core.Checklists;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EngineeringFramework.Core.Exports;

public static class ExportsServiceCollectionExtensions
{
    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        services.TryAddSingleton<ChecklistStructures>();
        return services.AddScoped<ExportService>();
    }
}
