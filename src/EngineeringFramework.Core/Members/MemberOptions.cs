namespace EngineeringFramework.Core.Members;

/// <summary>
/// Where invitation links point. Configured, never taken from the incoming request's Host header, so a
/// forged header cannot make the product mail a link to someone else's site.
/// </summary>
public sealed record MemberOptions(Uri PublicBaseUrl)
{
    public string AcceptLink(string token) => $"{PublicBaseUrl.AbsoluteUri.TrimEnd('/')}/invitations/{token}";
}
