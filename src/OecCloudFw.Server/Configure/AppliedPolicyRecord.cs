using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Configure;

/// <summary>
/// Records the policy configure or apply applied on the server (<see cref="AppliedPolicy.Path"/>): written to a
/// temporary file, made root-owned 0644, then renamed over the old one. It runs as the armed change's last command, so
/// the rollback's snapshot (which covers /etc/oec-cloudfw) restores the previous file, or its absence.
/// </summary>
internal static class AppliedPolicyRecord
{
    /// <summary>The command that writes <paramref name="text"/>: one quoted value, no shell syntax from it.</summary>
    public static string Command(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var directory = Path.GetDirectoryName(AppliedPolicy.Path)!;
        var temporary = $"{directory}/.applied-policy.yaml.new";
        return $"mkdir -p -m 0755 {directory} && printf '%s' {ShellQuote.Quote(text)} > {temporary} && chown 0:0 {temporary} && chmod 0644 {temporary} && mv -f {temporary} {AppliedPolicy.Path}";
    }

    /// <summary>True when <paramref name="text"/> records a policy other than the one the server has (the headers aside).</summary>
    public static bool Differs(ServerFacts facts, string text)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.AppliedPolicy?.Body != new AppliedPolicy(text).Body;
    }
}
