namespace OecCloudFw.Core.Audit;

/// <summary>A part of a layer that decides verdicts besides its rules (an AWS subnet's network ACL): what it is, and its entries as text.</summary>
public sealed record LayerComponent(string Kind, string Id, string AttachedTo, IReadOnlyList<string> Entries);
