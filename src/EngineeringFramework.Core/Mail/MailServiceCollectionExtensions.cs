using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Mail;

internal static class MailServiceCollectionExtensions
{
    /// <summary>
    /// The durable mail queue: <see cref="IMailSender"/> (and <see cref="MailQueue"/>) inserts, <see cref="MailDelivery"/>
    /// sends. The host supplies an <see cref="IMailDispatcher"/>, a <see cref="Crypto.SecretBox"/> and, when
    /// <see cref="MailDeliveryOptions.RunWorker"/> is set, the background loop that calls <see cref="MailDelivery.DeliverDueAsync"/>.
    /// </summary>
    public static IServiceCollection AddMailQueue(this IServiceCollection services, MailDeliveryOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<MailSignal>();
        services.AddSingleton<MailDelivery>();
        services.AddScoped<MailQueue>();
        services.AddScoped<IMailSender>(sp => sp.GetRequiredService<MailQueue>());
        return services;
    }
}
