using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>
/// All outgoing mail, account mail and product mail (invitations) alike: requests queue it through
/// <see cref="IMailSender"/> / <see cref="MailQueue"/>, and <see cref="MailDeliveryWorker"/> sends it through SMTP when
/// configured, else into the development outbox. Needed in both identity modes.
/// </summary>
internal static class MailComposition
{
    public static IServiceCollection AddAppMail(this IServiceCollection services, SmtpSettings? smtp, MailDeliveryOptions options)
    {
        if (smtp is not null)
        {
            services.AddSingleton(smtp);
            services.AddSingleton<IMailTransport, SmtpMailSender>();
        }
        else
        {
            services.AddSingleton<IMailTransport, OutboxMailSender>();
        }

        services.AddMailQueue(options);
        services.AddScoped<IMailDispatcher, MailDispatcher>();
        if (options.RunWorker)
        {
            services.AddHostedService<MailDeliveryWorker>();
        }

        return services;
    }
}
