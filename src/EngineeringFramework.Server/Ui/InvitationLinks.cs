namespace EngineeringFramework.Server.Ui;

/// <summary>Invitation links are <c>{PUBLIC_URL}/invitations/{token}</c>; people paste the link or the bare token.</summary>
internal static class InvitationLinks
{
    public static string TokenOf(string? linkOrToken)
    {
        var text = (linkOrToken ?? string.Empty).Trim();
        var marker = text.LastIndexOf("/invitations/", StringComparison.OrdinalIgnoreCase);
        if (marker >= 0)
        {
            text = text[(marker + "/invitations/".Length)..];
        }

        var end = text.IndexOfAny(['/', '?', '#']);
        return end >= 0 ? text[..end] : text;
    }
}
