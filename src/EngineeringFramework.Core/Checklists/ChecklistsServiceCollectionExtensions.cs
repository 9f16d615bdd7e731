using EngineeringFramework.Core.Frameworks.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EngineeringFramework.Core.Checklists;

public static class ChecklistsServiceCollectionExtensions
{
    public static IServiceCollection AddChecklists(this IServiceCollection services)
    {
        services.TryAddScoped<MarkdownRenderer>();
        services.TryAddSingleton<ChecklistStructures>();
        services.TryAddSingleton<Evidence.EvidenceCheckSignal>();
        services.TryAddScoped<Evidence.EvidenceTracker>();
        return services.AddScoped<ChecklistService>().AddScoped<ItemReviewService>().AddScoped<SignOff.SignOffService>().AddScoped<SignOff.AgentPolicyService>();
    }
}
