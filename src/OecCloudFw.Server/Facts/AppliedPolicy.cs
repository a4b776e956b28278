namespace OecCloudFw.Server.Facts;

/// <summary>
/// The policy configure or apply last applied on a server, as they recorded it there (<see cref="Path"/>): a policy
/// file whose comment header says when, by which version and from which flags or file. Read by the probe.
/// </summary>
/// <param name="Text">The file as read.</param>
public sealed record AppliedPolicy(string Text)
{
    /// <summary>Where it is kept: root-owned, 0644, written atomically as part of the armed change.</summary>
    public const string Path = "/etc/oec-cloudfw/applied-policy.yaml";

    /// <summary>When it was applied, as its header says (ISO 8601 UTC).</summary>
    public string? AppliedAt => Header("applied at: ");

    /// <summary>Which tool wrote it (<c>oec-cloudfw 1.2.3</c>).</summary>
    public string? By => Header("by: ");

    /// <summary>The flags or file it came from.</summary>
    public string? From => Header("from: ");

    /// <summary>The policy without its comments: what decides whether it changed.</summary>
    public string Body => string.Join('\n', Text.Split('\n').Where(l => !l.StartsWith('#')).Select(l => l.TrimEnd())).Trim();

    /// <summary>"as applied on … by …", for the reports that use it.</summary>
    public string Summary => $"as applied on {AppliedAt ?? "an unknown date"} by {By ?? "oec-cloudfw"}" + (From is { } from ? $" (from {from})" : string.Empty);

    /// <summary>The probe's section: null when the file is absent.</summary>
    public static AppliedPolicy? Parse(string? text) => string.IsNullOrWhiteSpace(text) ? null : new AppliedPolicy(text);

    private string? Header(string key) =>
        Text.Split('\n').Where(l => l.StartsWith("# " + key, StringComparison.Ordinal)).Select(l => l[(2 + key.Length)..].Trim()).FirstOrDefault();
}
