using EngineeringFramework.Core.SignOff;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// A person's decision on an agent's request, as the project page, the item page post it: the comment, kept as text.
/// Each request has two forms, named after it (<see cref="ConfirmName"/>, <see cref="SendBackName"/>), so every name on a
/// page is unique and the form itself says which request and which decision.
/// </summary>
public sealed class SignOffForm
{
    public string? Comment { get; set; }

    public static string ConfirmName(Guid requestId) => $"confirm-{requestId}";

    public static string SendBackName(Guid requestId) => $"send-back-{requestId}";

    /// <summary>
    /// The request a posted decision form names, if the post is one. A page lists only the requests still awaiting; it adds
    /// this one so that a decision posted after someone else decided finds its form and is answered with the conflict
    /// (409, "already confirmed") rather than an unknown form.
    /// </summary>
    public static Guid? Posted(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType)
        {
            return null;
        }

        var handler = http.Request.Form["_handler"].ToString();
        var id = handler.StartsWith("confirm-", StringComparison.Ordinal) ? handler["confirm-".Length..]
            : handler.StartsWith("send-back-", StringComparison.Ordinal) ? handler["send-back-".Length..]
            : null;
        return Guid.TryParse(id, out var requestId) ? requestId : null;
    }

    public SignOffDecision Decision() => new(string.IsNullOrWhiteSpace(Comment) ? null : Comment);
}
