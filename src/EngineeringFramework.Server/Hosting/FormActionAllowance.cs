namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Lets one response's Content-Security-Policy name one more origin in <c>form-action</c>, and nothing wider: the
/// registered redirect origin of the OAuth client that a form on the page may end at (see <see cref="SecurityHeaders"/>).
/// Callers pass only an origin they have checked against the client's registration.
/// </summary>
internal static class FormActionAllowance
{
    public const string ItemKey = "ef.form-action-origin";

    public static void AllowFormActionTo(this HttpContext context, Uri redirectUri)
        => context.Items[ItemKey] = redirectUri.GetLeftPart(UriPartial.Authority);
}
