using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OecCloudFw.Core;

namespace OecCloudFw.Application.Fleet;

/// <summary>
/// One slice of a fleet, <c>index/total</c> counted from 0 (as Kubernetes' JOB_COMPLETION_INDEX, AWS Batch's
/// AWS_BATCH_JOB_ARRAY_INDEX and GitHub Actions' strategy.job-index count): a host belongs to the shard its own name
/// hashes to, so adding or removing a host moves no other host, and a change of total moves only the hosts it must
/// (jump consistent hash).
/// </summary>
/// <param name="Index">0 to <paramref name="Total"/> - 1.</param>
/// <param name="Total">How many shards (1-10000).</param>
public sealed record Shard(int Index, int Total)
{
    /// <summary>The most shards a fleet is split into.</summary>
    public const int MaxTotal = 10000;

    /// <summary>True when <paramref name="host"/> is audited by this shard.</summary>
    public bool Contains(string host) => Of(host, Total) == Index;

    /// <summary>The shard (0 to total - 1) a host belongs to: a hash of its name (case-insensitive), not of its position.</summary>
    public static int Of(string host, int total)
    {
        ArgumentNullException.ThrowIfNull(host);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(host.Trim().ToLowerInvariant()));
        return JumpConsistentHash(BinaryPrimitives.ReadUInt64BigEndian(hash), total);
    }

    /// <summary>Lamping and Veach's jump consistent hash: a key keeps its bucket when buckets are added, unless it moves to a new one.</summary>
    private static int JumpConsistentHash(ulong key, int buckets)
    {
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = unchecked((key * 2862933555777941757UL) + 1);
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }

        return (int)b;
    }

    /// <summary>
    /// The shard to audit: <c>--shard i/n</c> when given, else the engine's environment — JOB_COMPLETION_INDEX (Kubernetes
    /// Indexed Job) with the total from <c>--shard-total</c> or OECFW_SHARD_TOTAL, or AWS_BATCH_JOB_ARRAY_INDEX with
    /// AWS_BATCH_JOB_ARRAY_SIZE (AWS Batch array job); null when none (the whole fleet).
    /// </summary>
    public static Shard? Choose(string? flag, int? flagTotal, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (flag is not null)
        {
            if (flagTotal is not null)
            {
                throw new InvalidInputException("--shard-total goes with JOB_COMPLETION_INDEX: --shard i/n already says the total");
            }

            var parts = flag.Split('/');
            return parts.Length == 2 && TryNumber(parts[0], out var index) && TryNumber(parts[1], out var total)
                ? Make(index, total, "--shard")
                : throw new InvalidInputException($"--shard '{flag}' is not INDEX/TOTAL: the index counts from 0, e.g. --shard 0/4 to --shard 3/4");
        }

        if (environment.Variable("JOB_COMPLETION_INDEX") is { Length: > 0 } kubernetes)
        {
            var index = Number(kubernetes, "JOB_COMPLETION_INDEX");
            var total = flagTotal ?? (environment.Variable("OECFW_SHARD_TOTAL") is { Length: > 0 } text ? Number(text, "OECFW_SHARD_TOTAL")
                : throw new InvalidInputException($"JOB_COMPLETION_INDEX is {kubernetes} but the number of shards is not known: give --shard-total N or set OECFW_SHARD_TOTAL to the job's completions (Kubernetes does not pass it)"));
            return Make(index, total, flagTotal is null ? "JOB_COMPLETION_INDEX/OECFW_SHARD_TOTAL" : "JOB_COMPLETION_INDEX/--shard-total");
        }

        if (flagTotal is not null)
        {
            throw new InvalidInputException("--shard-total needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) to say which shard: otherwise give --shard i/n");
        }

        if (environment.Variable("AWS_BATCH_JOB_ARRAY_INDEX") is { Length: > 0 } batch)
        {
            var index = Number(batch, "AWS_BATCH_JOB_ARRAY_INDEX");
            var total = environment.Variable("AWS_BATCH_JOB_ARRAY_SIZE") is { Length: > 0 } size ? Number(size, "AWS_BATCH_JOB_ARRAY_SIZE")
                : throw new InvalidInputException($"AWS_BATCH_JOB_ARRAY_INDEX is {batch} but AWS_BATCH_JOB_ARRAY_SIZE is not set: run the audit as a child of an AWS Batch array job, or give --shard i/n");
            return Make(index, total, "AWS_BATCH_JOB_ARRAY_INDEX/AWS_BATCH_JOB_ARRAY_SIZE");
        }

        return null;
    }

    private static Shard Make(int index, int total, string source) =>
        total is < 1 or > MaxTotal ? throw new InvalidInputException($"{source}: the number of shards must be 1-{MaxTotal}, not {total}")
        : index < 0 || index >= total ? throw new InvalidInputException($"{source}: shard {index} of {total} does not exist: shards count from 0 to {total - 1}")
        : new Shard(index, total);

    private static bool TryNumber(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static int Number(string text, string name) =>
        TryNumber(text, out var value) ? value : throw new InvalidInputException($"{name} '{text}' is not a whole number");

    /// <summary>What identifies an inventory across shards: a digest of its hosts in order ("sha256:…").</summary>
    public static string Digest(IReadOnlyList<string> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', hosts))));
    }
}
