using System.Globalization;
using OecCloudFw.Core;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Application.Policies;

/// <summary>
/// The policy configure and apply record on the server (/etc/oec-cloudfw/applied-policy.yaml), and its use: given no
/// policy, audit, plan, preflight, configure and apply hold the server to the policy last applied there (not to the
/// defaults); a policy file overrides it, and policy-shaping options shape it as they shape a file.
/// </summary>
public static class RememberedPolicy
{
    /// <summary>The record's text: the policy file with a header saying when, by which version and from what (<paramref name="origin"/>).</summary>
    public static string Record(FirewallPolicy policy, string origin, string version, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return PolicyFileWriter.Write(policy,
        [
            "oec-cloudfw: the policy last applied on this server (configure/apply write it; audit, plan and preflight use it when given no policy)",
            $"applied at: {time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}",
            $"by: oec-cloudfw {version}",
            $"from: {origin}",
        ]);
    }

    /// <summary>The record's text, saying the policy came from what <paramref name="given"/> names.</summary>
    public static string Record(FirewallPolicy policy, PolicyGiven given, string version, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(given);
        return Record(policy, given.Origin, version, time);
    }

    /// <summary>
    /// The recorded policy and its note when the operator gave no policy file and the server has one, shaped by the
    /// options given; null otherwise (the policy given stands).
    /// </summary>
    public static (FirewallPolicy Policy, string Note)? Choose(PolicyGiven given, ServerFacts facts, string where)
    {
        ArgumentNullException.ThrowIfNull(given);
        return given.File is not null ? null : Choose(facts, where, given.Shapes ? given.Shaping : null, given.Origin);
    }

    /// <summary>The policy recorded on the server, parsed; a malformed record is bad input naming the file, the server and the line.</summary>
    public static FirewallPolicy Parse(AppliedPolicy applied, string where)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var name = FileName(where);
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
    /// The recorded policy and its note ("policy: as applied on … by oec-cloudfw …") when the server has one; null
    /// otherwise. <paramref name="shaping"/> (null: none given) shapes the record as it would shape a policy file,
    /// and the note names it (<paramref name="origin"/>).
    /// </summary>
    public static (FirewallPolicy Policy, string Note)? Choose(ServerFacts facts, string where, PolicyOptions? shaping, string origin)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.AppliedPolicy is not { } applied)
        {
            return null;
        }

        if (shaping is null)
        {
            return (Parse(applied, where), $"policy: {applied.Summary}");
        }

        // Options on top of the record: "--optional 8072" after "--ssh-source M/32" keeps SSH restricted, instead of
        // falling back to the defaults and reopening it.
        Parse(applied, where);
        var policy = PolicyBuilder.Build(shaping with { PolicyText = applied.Text, PolicyTextName = FileName(where) });
        return (policy, $"policy: {applied.Summary}, with {origin} on top");
    }

    /// <summary>scp's way of naming a file on a server, so that the parser's ":LINE:" reads as the file's line.</summary>
    private static string FileName(string where) => where is "local" or "this machine" ? AppliedPolicy.Path : $"{where}:{AppliedPolicy.Path}";
}
