using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>The server's mail queue as stored, oldest first (read with no tenant, as the delivery worker reads it).</summary>
internal static class MailQueueRows
{
    public static async Task<List<QueuedMail>> ReadAsync(TestApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().QueuedMail.AsNoTracking()
            .OrderBy(m => m.EnqueuedAt).ThenBy(m => m.Id)
            .ToListAsync(TestContext.Current.CancellationToken);
    }
}
