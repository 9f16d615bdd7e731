using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.RoleTemplates;

public static class RoleTemplatesServiceCollectionExtensions
{
    public static IServiceCollection AddRoleTemplates(this IServiceCollection services)
        => services.AddScoped<RoleTemplateService>().AddScoped<RoleTemplateDriftCheck>();
}
