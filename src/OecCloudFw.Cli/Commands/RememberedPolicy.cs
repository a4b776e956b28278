using System.Globalization;
using OecCloudFw.Core;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Cli.Commands;

/// <summary>
/// The policy configure and apply record on the server (/etc/oec-cloudfw/applied-policy.yaml), and its use: without
/// --policy and without a policy-shaping flag, audit, plan, preflight, configure and apply hold the server to the policy
/// last applied there (not to the defaults); --policy or a flag overrides it.
/// </summary>
internal static class RememberedPolicy
{
    /// <summary>The tool's version, as the record names it.</summary>
    public static string Version => typeof(RememberedPolicy).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>True when the operator gave the policy (a file or a flag that shapes it): the record is not used then.</summary>
    public static bool Given(ServerPolicyFlags flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return flags.Policy is not null || flags.Optional is { Length: > 0 } || flags.SshSource is { Length: > 0 } || flags.Source is { Length: > 0 } ||
               flags.ExtraPort is { Length: > 0 } || flags.Ipv4Only;
    }

    /// <summary>The flags (and file) the policy came from, as the record's header says it.</summary>
    public static string Origin(ServerPolicyFlags flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var words = new List<string>();
        if (flags.Policy is not null)
        {
            // Only printable characters: the words go into a comment line of the record.
            words.Add($"--policy {new string(Path.GetFullPath(flags.Policy).Select(c => char.IsControl(c) ? '?' : c).ToArray())}");
        }

        words.AddRange((flags.Optional ?? []).Select(o => $"--optional {o}"));
        words.AddRange((flags.SshSource ?? []).Select(s => $"--ssh-source {s}"));
        words.AddRange((flags.Source ?? []).Select(s => $"--source {s}"));
        words.AddRange((flags.ExtraPort ?? []).Select(p => $"--extra-port {p}"));
        if (flags.Ipv4Only)
        {
            words.Add("--ipv4-only");
        }

        return words.Count == 0 ? "the defaults" : string.Join(' ', words);
    }

    /// <summary>The record's text: the policy file with a header saying when, by which version and from what.</summary>
    public static string Record(FirewallPolicy policy, ServerPolicyFlags flags, TimeProvider time) => Record(policy, Origin(flags), time);

    /// <summary>The record's text, with what the policy came from as <see cref="Origin"/> said it (a saved plan keeps it).</summary>
    public static string Record(FirewallPolicy policy, string origin, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return PolicyFileWriter.Write(policy,
        [
            "oec-cloudfw: the policy last applied on this server (configure/apply write it; audit, plan and preflight use it when given no policy)",
            $"applied at: {time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}",
            $"by: oec-cloudfw {Version}",
            $"from: {origin}",
        ]);
    }

    /// <summary>The policy recorded on the server, parsed; a malformed record is bad input naming the file, the server and the line.</summary>
    public static FirewallPolicy Parse(AppliedPolicy applied, string where)
    {
        ArgumentNullException.ThrowIfNull(applied);
        // scp's way of naming a file on a server, so that the parser's ":LINE:" reads as the file's line.
        var name = where is "local" or "this machine" ? AppliedPolicy.Path : $"{where}:{AppliedPolicy.Path}";
        try
        {
            return PolicyBuilder.Build(new PolicyOptions { PolicyText = applied.Text, PolicyTextName = name });
        }
        catch (InvalidInputException ex) when (!ex.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidInputException($"{name}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The recorded policy and its note ("policy: as applied on … by oec-cloudfw …") when the operator gave none and the
    /// server has one; null otherwise (the policy from the flags stands).
    /// </summary>
    public static (FirewallPolicy Policy, string Note)? Choose(ServerPolicyFlags flags, ServerFacts facts, string where)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(flags);
        if (flags.Policy is not null || facts.AppliedPolicy is not { } applied)
        {
            return null;
        }

        if (!Given(flags))
        {
            return (Parse(applied, where), $"policy: {applied.Summary}");
        }

        // Flags without --policy shape the recorded policy as they shape a policy file: "--optional 8072" after
        // "--ssh-source M/32" keeps SSH restricted, instead of falling back to the defaults and reopening it.
        Parse(applied, where);
        var policy = PolicyBuilder.Build(new PolicyOptions
        {
            PolicyText = applied.Text,
            PolicyTextName = where is "local" or "this machine" ? AppliedPolicy.Path : $"{where}:{AppliedPolicy.Path}",
            Optional = PolicyFlags.Split(flags.Optional),
            SshSources = PolicyFlags.Split(flags.SshSource),
            Sources = PolicyFlags.Split(flags.Source),
            ExtraPorts = PolicyFlags.Split(flags.ExtraPort),
            Ipv6 = PolicyFlags.Families(flags.Ipv6, flags.Ipv4Only),
        });
        return (policy, $"policy: {applied.Summary}, with {Origin(flags)} on top");
    }
}
