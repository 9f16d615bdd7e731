using System.Globalization;
using System.Text;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// <c>/.well-known/security.txt</c> (RFC 9116): anonymous, plain text, from <c>SECURITY_CONTACT</c>. Without a contact
/// the answer is 404: the RFC requires Contact, and a file without one would only mislead.
/// </summary>
/// <remarks>
/// The file is written per request from the running configuration, so it is as current as the deployment. Expires is
/// therefore near: the start of the current UTC day plus <see cref="Validity"/>, well under the RFC's advice of less
/// than a year, and the same value all day long for caches.
/// </remarks>
internal static class SecurityTxt
{
    public const string Path = "/.well-known/security.txt";
    public static readonly TimeSpan Validity = TimeSpan.FromDays(31);

    public static IEndpointRouteBuilder MapSecurityTxt(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, Serve).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Serve(ServerSettings settings, TimeProvider time)
        => settings.SecurityContact is { } contact
            ? Results.Text(Compose(contact, settings.PublicUrl, time.GetUtcNow()), "text/plain; charset=utf-8", Encoding.UTF8)
            : Results.NotFound();

    internal static string Compose(Uri contact, Uri publicUrl, DateTimeOffset now)
    {
        var root = publicUrl.AbsoluteUri.TrimEnd('/');
        var expires = now.UtcDateTime.Date + Validity;
        return new StringBuilder()
            .Append("# Engineering Framework: how to report a vulnerability in this deployment.\n")
            .Append("Contact: ").Append(contact.AbsoluteUri).Append('\n')
            .Append("Expires: ").Append(expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\n')
            .Append("Preferred-Languages: en\n")
            .Append("Canonical: ").Append(root).Append(Path).Append('\n')
            .Append("Policy: ").Append(root).Append("/security\n")
            .ToString();
    }
}
