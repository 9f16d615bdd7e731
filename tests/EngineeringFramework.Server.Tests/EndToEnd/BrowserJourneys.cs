namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// The browser journeys run one after another, never side by side: each starts a server and a Chromium, and CI machines
/// have few cores, so running them together would only make each slower and their timeouts likelier (they still run
/// alongside the rest of the suite).
/// </summary>
[CollectionDefinition(nameof(BrowserJourneys))]
public sealed class BrowserJourneys;
