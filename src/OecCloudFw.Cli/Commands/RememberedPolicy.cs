using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Facts;
using Recorded = OecCloudFw.Application.Policies.RememberedPolicy;

namespace OecCloudFw.Cli.Commands;

/// <summary>
/// The policy flags and the policy recorded on the server (<see cref="Recorded"/>): without --policy and without a
/// policy-shaping flag, the server is held to the policy last applied there; --policy overrides it, a flag shapes it.
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

    /// <summary>The record's text, with what the policy came from as <see cref="Origin"/> says it.</summary>
    public static string Record(FirewallPolicy policy, ServerPolicyFlags flags, TimeProvider time) => Recorded.Record(policy, Origin(flags), Version, time);

    /// <summary>The record's text, with what the policy came from as <see cref="Origin"/> said it (a saved plan keeps it).</summary>
    public static string Record(FirewallPolicy policy, string origin, TimeProvider time) => Recorded.Record(policy, origin, Version, time);

    /// <summary>
    /// The recorded policy and its note when the operator gave no --policy and the server has one, shaped by the
    /// policy flags given; null otherwise (the policy from the flags stands).
    /// </summary>
    public static (FirewallPolicy Policy, string Note)? Choose(ServerPolicyFlags flags, ServerFacts facts, string where)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return flags.Policy is not null ? null : Recorded.Choose(facts, where, Given(flags) ? Shaping(flags) : null, Origin(flags));
    }

    private static PolicyOptions Shaping(ServerPolicyFlags flags) => new()
    {
        Optional = PolicyFlags.Split(flags.Optional),
        SshSources = PolicyFlags.Split(flags.SshSource),
        Sources = PolicyFlags.Split(flags.Source),
        ExtraPorts = PolicyFlags.Split(flags.ExtraPort),
        Ipv6 = PolicyFlags.Families(flags.Ipv6, flags.Ipv4Only),
    };
}
