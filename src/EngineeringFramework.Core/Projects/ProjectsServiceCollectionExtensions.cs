using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Projects;

public static class ProjectsServiceCollectionExtensions
{
    public static IServiceCollection AddProjects(this IServiceCollection services) => services.AddScoped<ProjectService>();
}
