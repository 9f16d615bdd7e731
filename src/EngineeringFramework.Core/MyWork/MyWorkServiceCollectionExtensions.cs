using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.MyWork;

public static class MyWorkServiceCollectionExtensions
{
    public static IServiceCollection AddMyWork(this IServiceCollection services) => services.AddScoped<MyWorkService>();
}
