using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Members;

public static class MembersServiceCollectionExtensions
{
    /// <summary>
    /// Members and invitations. <paramref name="publicBaseUrl"/> is the product's public address (invitation
    /// links are <c>{publicBaseUrl}/invitations/{token}</c>); an <see cref="Mail.IMailSender"/> must be registered too.
    /// </summary>
    public static IServiceCollection AddMembers(this IServiceCollection services, Uri publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        if (!publicBaseUrl.IsAbsoluteUri || (publicBaseUrl.Scheme != Uri.UriSchemeHttps && publicBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The public base URL must be an absolute http(s) URL.", nameof(publicBaseUrl));
        }

        services.AddSingleton(new MemberOptions(publicBaseUrl));
        services.AddScoped<MemberService>();
        services.AddScoped<InvitationService>();
        return services;
    }
}
