using System.Text.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Application.Fleet;
using OecCloudFw.Core;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Audit;

/// <summary>
/// Combines the outputs of a sharded fleet audit (<c>audit --inventory … --shard i/n</c>) into what one unsharded run
/// would have printed: checks that every shard of one inventory is there once, then orders the servers as the inventory
/// does (JSON) or by server (SARIF, one run).
/// </summary>
public static class ShardMerge
{
    /// <summary>The files given to merge, read: fleet documents or SARIF logs, never a mix.</summary>
    /// <param name="Fleets">The fleet documents, with their file.</param>
    /// <param name="Sarif">The SARIF logs, with their file.</param>
    public sealed record Inputs(IReadOnlyList<(string File, AuditFleetDocument Document)> Fleets, IReadOnlyList<(string File, SarifDocument Log)> Sarif);

    /// <summary>The shard files read from disk, then as <see cref="Read(IReadOnlyList{ValueTuple{string, string}})"/>; a file that cannot be read is bad input naming it.</summary>
    public static async Task<Inputs> ReadFilesAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var texts = new List<(string, string)>();
        foreach (var file in files)
        {
            try
            {
                texts.Add((file, await File.ReadAllTextAsync(file, cancellationToken)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidInputException($"{file}: cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message)})");
            }
        }

        return Read(texts);
    }

    public static Inputs Read(IReadOnlyList<(string File, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            // merge's argument takes one file or more: its parser never lets none through.
            throw new ArgumentException("no file to merge", nameof(files));
        }

        var fleets = new List<(string, AuditFleetDocument)>();
        var sarif = new List<(string, SarifDocument)>();
        foreach (var (file, text) in files)
        {
            var (node, schema) = JsonTree.Parse(text, line => $"{file}: not JSON (line {line}): give the output of audit --inventory … --output json or sarif");
            var isSarif = node is JsonObject log && log["runs"] is JsonArray && JsonTree.Text(log["version"]) == "2.1.0";
            if (schema is "oec-cloudfw/audit-fleet/v3" or "oec-cloudfw/audit-fleet/v4")
            {
                fleets.Add((file, Parse<AuditFleetDocument>(file, text)));
            }
            else if (isSarif)
            {
                sarif.Add((file, Parse<SarifDocument>(file, text)));
            }
            else
            {
                throw new InvalidInputException(schema is not null && schema.StartsWith("oec-cloudfw/audit-fleet/", StringComparison.Ordinal)
                    ? $"{file}: {schema} is from an older oec-cloudfw, without the inventory merge checks: audit the shards again with this version"
                    : $"{file}: not a fleet audit (audit --inventory … --output json, schema oec-cloudfw/audit-fleet/v4) nor a SARIF log of one{(schema is null ? string.Empty : $" (its schema is {schema})")}");
            }

            if (fleets.Count > 0 && sarif.Count > 0)
            {
                throw new InvalidInputException($"{file}: the files mix fleet JSON documents and SARIF logs: merge the shards' outputs of one format");
            }
        }

        return new Inputs(fleets, sarif);
    }

    private static T Parse<T>(string file, string text)
        where T : class
    {
        try
        {
            return Json.Read<T>(text) ?? throw new InvalidInputException($"{file}: empty document");
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException($"{file}: malformed at line {(ex.LineNumber ?? 0) + 1} ({ex.Path ?? "$"}): give the shard's output as the audit printed it");
        }
    }

    /// <summary>One fleet document from every shard's: exit 2 (naming the file) when a shard is missing, twice, or of another inventory.</summary>
    public static AuditFleetDocument Fleet(IReadOnlyList<(string File, AuditFleetDocument Document)> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var parts = shards.Select(s => (s.File, Inventory: s.Document.Inventory ?? throw new InvalidInputException($"{s.File}: no inventory section: audit the shards again with this version"),
            s.Document.Shard, Servers: s.Document.Servers ?? [], Errors: s.Document.Errors ?? [])).ToList();
        var (total, inventory) = Check([.. parts.Select(p => (p.File, p.Inventory, p.Shard))]);

        // Each shard's hosts in inventory order are its errors (by host) and, in order, its servers.
        var byHost = new AuditDocument?[inventory.Hosts.Count];
        var errorAt = new FleetErrorView?[inventory.Hosts.Count];
        foreach (var part in parts)
        {
            var index = part.Shard?.Index ?? 0;
            var mine = Enumerable.Range(0, inventory.Hosts.Count).Where(i => Shard.Of(inventory.Hosts[i], total) == index).ToList();
            var outsider = part.Errors.FirstOrDefault(e => !mine.Any(i => string.Equals(inventory.Hosts[i], e.Server, StringComparison.Ordinal)));
            if (outsider is not null)
            {
                throw new InvalidInputException($"{part.File}: server {outsider.Server} is not in shard {index}/{total} of its inventory: the file was changed or comes from another run");
            }

            if (mine.Count != part.Servers.Count + part.Errors.Count)
            {
                throw new InvalidInputException($"{part.File}: shard {index}/{total} of this inventory has {mine.Count} servers but the file holds {part.Servers.Count + part.Errors.Count}: the file was changed or comes from another run");
            }

            var errors = new Queue<FleetErrorView>(part.Errors);
            var servers = new Queue<AuditDocument>(part.Servers);
            foreach (var i in mine)
            {
                if (errors.Count > 0 && string.Equals(errors.Peek().Server, inventory.Hosts[i], StringComparison.Ordinal))
                {
                    errorAt[i] = errors.Dequeue();
                }
                else
                {
                    byHost[i] = servers.Dequeue();
                }
            }
        }

        return new AuditFleetDocument(inventory, null, [.. byHost.OfType<AuditDocument>()], [.. errorAt.OfType<FleetErrorView>()]);
    }

    /// <summary>One SARIF log with one run (GitHub code scanning takes one run per tool and category) from every shard's.</summary>
    public static SarifDocument Sarif(IReadOnlyList<(string File, SarifDocument Log)> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var runs = shards.Select(s => (s.File, Run: s.Log.Runs is [{ Properties: not null } one] && one.Tool?.Driver?.Name == "oec-cloudfw" ? one
            : throw new InvalidInputException($"{s.File}: not the SARIF log of a fleet audit (one oec-cloudfw run with its inventory): give the output of audit --inventory … --output sarif"))).ToList();
        var (total, inventory) = Check([.. runs.Select(r => (r.File, r.Run.Properties!.Inventory, r.Run.Properties.Shard))]);
        var hosts = inventory.Hosts.Select((h, i) => (h, i)).GroupBy(x => x.h, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var results = runs.SelectMany(r => r.Run.Results.Select(result => (r.Run, Result: result)))
            .OrderBy(x => x.Result.Locations is [{ LogicalLocations: [var server, ..] }, ..] ? server.Name : string.Empty, StringComparer.Ordinal).ToList();
        var rules = results.Select(x => x.Result.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(id =>
        {
            var all = runs.SelectMany(r => r.Run.Tool.Driver.Rules).Where(rule => rule.Id == id).ToList();
            var first = results.First(x => x.Result.RuleId == id).Run.Tool.Driver.Rules.First(rule => rule.Id == id);
            var tags = all.SelectMany(rule => rule.Properties?.Tags ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return first with
            {
                DefaultConfiguration = new SarifConfiguration(all.Select(rule => rule.DefaultConfiguration.Level).MaxBy(LevelRank)!),
                Properties = tags.Count == 0 ? null : new SarifProperties(tags, tags),
            };
        }).ToList();
        var errors = runs.SelectMany(r => r.Run.Properties!.Errors ?? []).OrderBy(e => hosts.GetValueOrDefault(e.Server, int.MaxValue)).ToList();
        var driver = runs[0].Run.Tool.Driver with { Rules = rules };
        return new SarifDocument([new SarifRun(new SarifTool(driver), [.. results.Select(x => x.Result)]) { Properties = new SarifRunProperties(inventory, null, errors) }]);
    }

    /// <summary>A SARIF level's rank: error above warning above note.</summary>
    private static int LevelRank(string level) => level switch
    {
        "error" => 3,
        "warning" => 2,
        "note" => 1,
        _ => 0,
    };

    /// <summary>Every shard of one inventory, each once: the number of shards and the inventory.</summary>
    private static (int Total, InventoryView Inventory) Check(IReadOnlyList<(string File, InventoryView Inventory, ShardView? Shard)> parts)
    {
        var (firstFile, inventory, firstShard) = parts[0];
        var total = firstShard?.Total ?? 1;
        if (inventory.Hosts is null || Shard.Digest(inventory.Hosts) != inventory.Digest)
        {
            throw new InvalidInputException($"{firstFile}: its inventory's hosts do not match its digest: the file was changed");
        }

        var seen = new Dictionary<int, string>();
        foreach (var (file, other, shard) in parts)
        {
            if (!string.Equals(other.Digest, inventory.Digest, StringComparison.Ordinal))
            {
                throw new InvalidInputException($"{file}: audited another inventory than {firstFile} (digest {other.Digest}, not {inventory.Digest}): merge the shards of one run");
            }

            var (index, count) = shard is null ? (0, 1) : (shard.Index, shard.Total);
            if (count != total || index < 0 || index >= count)
            {
                throw new InvalidInputException($"{file}: is shard {index}/{count} but {firstFile} is of {total} shard{(total == 1 ? string.Empty : "s")}: merge the shards of one run");
            }

            if (!seen.TryAdd(index, file))
            {
                throw new InvalidInputException($"{file}: shard {index}/{total} twice ({seen[index]} is it too): give each shard once");
            }
        }

        var missing = Enumerable.Range(0, total).Where(i => !seen.ContainsKey(i)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidInputException($"shard{(missing.Count == 1 ? string.Empty : "s")} {string.Join(", ", missing.Select(i => $"{i}/{total}"))} missing: {string.Join(", ", parts.Select(p => p.File))} hold{(parts.Count == 1 ? "s" : string.Empty)} only {string.Join(", ", seen.Keys.Order().Select(i => $"{i}/{total}"))}");
        }

        return (total, inventory);
    }
}
