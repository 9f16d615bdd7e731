using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EngineeringFramework.Core.GitHubSync;

public static class GitHubSyncServiceCollectionExtensions
{
    /// <param name="publicUrl">The server's external base address, for the webhook URL shown to admins and the check pages commit statuses link to.</param>
    public static IServiceCollection AddGitHubSync(this IServiceCollection services, GitHubSyncOptions options, Uri publicUrl)
    {
        services.AddSingleton(options);
        services.AddSingleton<GitHubTransport>();
        services.AddSingleton<GitHubSyncSignal>();
        services.AddSingleton(new GitHubWebhookAddress(publicUrl));
        services.AddSingleton(new FrameworkCheckAddress(publicUrl));
        services.AddSingleton<GitHubSyncRunner>();
        services.AddScoped<GitHubSecrets>();
        services.AddScoped<GitHubSyncQueue>();
        services.AddScoped<GitHubSyncService>();
        services.AddScoped<GitHubWebhookReceiver>();
        services.AddScoped<FrameworkCheckService>();
        services.AddSingleton<Evidence.EvidenceCheckRunner>();
        services.TryAddSingleton<Evidence.EvidenceCheckSignal>();
        if (options.RunWorker)
        {
            services.AddHostedService<GitHubSyncWorker>();
            services.AddHostedService<Evidence.EvidenceCheckWorker>();
        }

        return services;
    }
}
