using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EngineeringFramework.Server.Identity.Pages.Account;

/// <summary>The development outbox as a page (see <see cref="DevelopmentOutbox"/>); 404 everywhere else.</summary>
public sealed class DevelopmentMailModel : PageModel
{
    internal IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public IActionResult OnGet()
    {
        // Resolved here rather than injected: the services are internal to the server, the page model public.
        var services = HttpContext.RequestServices;
        if (!DevelopmentOutbox.IsOffered(services.GetRequiredService<IHostEnvironment>(), services.GetRequiredService<IMailTransport>()))
        {
            return NotFound();
        }

        Messages = DevelopmentOutbox.Read(services.GetRequiredService<ServerSettings>().DataDirectory);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
