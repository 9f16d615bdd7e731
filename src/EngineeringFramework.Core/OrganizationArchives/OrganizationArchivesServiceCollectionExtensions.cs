using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.OrganizationArchives;

public static class OrganizationArchivesServiceCollectionExtensions
{
    public static IServiceCollection AddOrganizationArchives(this IServiceCollection services) => services.AddScoped<OrganizationArchiveService>();
}
