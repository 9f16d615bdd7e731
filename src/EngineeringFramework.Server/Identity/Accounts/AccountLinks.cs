using EngineeringFramework.Server.Hosting;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// Links put in account mail are built from <c>PUBLIC_URL</c>, never from the request's Host header, so a forged
/// Host cannot make us mail a victim a reset link that points at the attacker's server.
/// </summary>
internal sealed class AccountLinks(ServerSettings settings)
{
    public Uri ConfirmEmail(string userId, string code) => Build("/Account/ConfirmEmail", ("userId", userId), ("code", code));

    public Uri ConfirmEmailChange(string userId, string email, string code) => Build("/Account/ConfirmEmailChange", ("userId", userId), ("email", email), ("code", code));

    public Uri ResetPassword(string email, string code) => Build("/Account/ResetPassword", ("email", email), ("code", code));

    private Uri Build(string path, params (string Key, string Value)[] query)
    {
        var root = settings.PublicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(root + path + QueryString.Create(query.Select(q => KeyValuePair.Create(q.Key, (string?)q.Value))));
    }
}
