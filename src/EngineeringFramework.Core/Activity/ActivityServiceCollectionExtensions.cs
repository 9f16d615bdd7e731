using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Activity;

public static class ActivityServiceCollectionExtensions
{
    public static IServiceCollection AddActivity(this IServiceCollection services) => services.AddScoped<ActivityService>();
}
