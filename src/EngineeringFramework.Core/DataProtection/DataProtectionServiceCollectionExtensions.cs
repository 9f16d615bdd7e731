using EngineeringFramework.Core.Crypto;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.DataProtection;

public static class DataProtectionServiceCollectionExtensions
{
    /// <summary>
    /// One application name for every instance: data protection isolates payloads by it (by default it is the
    /// content root path, which differs between machines and containers). Changing it ends every session.
    /// </summary>
    public const string ApplicationName = "EngineeringFramework";

    /// <summary>
    /// ASP.NET Core data protection (session cookies, antiforgery tokens, account links) with its key ring in the
    /// database, each key's secret sealed under <c>ENCRYPTION_KEY</c>; nothing is written to the home folder.
    /// Needs <see cref="EncryptionKey"/> and <see cref="Data.AppDbContext"/> registered. Key lifetime and rotation
    /// stay data protection's defaults (a new key every 90 days, made a few days before it is needed; old keys kept
    /// to read what they protected).
    /// </summary>
    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton(sp => new KeyRingSeal(sp.GetRequiredService<EncryptionKey>()));
        services.AddOptions<KeyManagementOptions>().Configure<IServiceScopeFactory, KeyRingSeal>((options, scopes, seal) =>
        {
            options.XmlRepository = new DatabaseKeyRepository(scopes);
            options.XmlEncryptor = new KeyRingEncryptor(seal);
        });
        return services;
    }
}
