using System.Text.RegularExpressions;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>What every account page shares with the product's own pages (Ui/App.razor, Ui/Shared/AppShell.razor).</summary>
internal static partial class ProductLayout
{
    public static void AssertUsedBy(string html, string path)
    {
        Assert.True(html.Contains("<link rel=\"stylesheet\" href=\"/css/app.css\"", StringComparison.Ordinal), $"{path}: no product stylesheet");
        Assert.True(html.Contains("<a class=\"skip-link\" href=\"#main\">", StringComparison.Ordinal), $"{path}: no skip link");
        Assert.True(html.Contains("<header class=\"app-header\">", StringComparison.Ordinal), $"{path}: no product header");
        Assert.True(html.Contains("<a class=\"brand\" href=\"/\">Engineering Framework</a>", StringComparison.Ordinal), $"{path}: no brand");
        Assert.True(html.Contains("<main id=\"main\"", StringComparison.Ordinal), $"{path}: no main landmark");
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(StyleAttribute(), html);
        Assert.DoesNotMatch(EventHandlerAttribute(), html);
    }

    /// <summary>The header of a signed-in page: back to the product, the account link, and a sign-out form with its antiforgery token.</summary>
    public static void AssertSignedInHeader(string html, string path, string accountPath = "/Manage")
    {
        Assert.True(html.Contains("<a href=\"/\">Back to your dashboard</a>", StringComparison.Ordinal), $"{path}: no way back to the product");
        Assert.True(html.Contains($"<a href=\"{accountPath}\" class=\"header-link\"", StringComparison.Ordinal), $"{path}: no account link");
        Assert.Matches(SignOutForm(), html);
    }

    [GeneratedRegex("\\sstyle\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex("\\son[a-z]+\\s*=\"", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex("<form method=\"post\" class=\"sign-out\" action=\"/Account/SignOut\">\\s*<button type=\"submit\" class=\"button-secondary\">Sign out</button>\\s*<input name=\"__RequestVerificationToken\" type=\"hidden\"")]
    private static partial Regex SignOutForm();
}
