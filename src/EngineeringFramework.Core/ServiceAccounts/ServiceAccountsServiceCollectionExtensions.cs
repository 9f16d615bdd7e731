using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.ServiceAccounts;

public static class ServiceAccountsServiceCollectionExtensions
{
    public static IServiceCollection AddServiceAccounts(this IServiceCollection services)
        => services.AddScoped<ServiceAccountService>().AddScoped<ServiceAccountTokens>();
}
