namespace OecCloudFw.Azure;

/// <summary>A security rule the tool writes.</summary>
public sealed record NewSecurityRule(string Name, int Priority, string Protocol, IReadOnlyList<string> Sources, IReadOnlyList<string> Ports, string Description);
