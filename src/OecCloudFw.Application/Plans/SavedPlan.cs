using System.Text.Json;
using System.Text.Json.Serialization;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;

namespace OecCloudFw.Application.Plans;

/// <summary>
/// A plan as <c>plan --out</c> saves it (schema oec-cloudfw/plan/v3) and <c>apply --plan</c> reads it back, typed:
/// the targets it was made for, the policy itself, the options that shape the server's change, every layer's state as
/// read (its canonical lines and their digest) and exactly what the apply writes and runs, with the digest of that.
/// </summary>
/// <param name="Schema">oec-cloudfw/plan/v3.</param>
/// <param name="NoChange">True when the plan changes nothing.</param>
/// <param name="PlanDigest">The digest of <see cref="Lines"/>: the file is intact while they still give it.</param>
/// <param name="Targets">Which server and which cloud layer.</param>
/// <param name="Policy">The policy the plan was made from (as data: a policy file edited since changes nothing).</param>
/// <param name="Options">What shapes the server's change (frontend, Docker, hardening) and the cloud's (prune).</param>
/// <param name="Server">The server as read and the commands the rollback-armed apply runs.</param>
/// <param name="Cloud">The cloud layer as read and what the apply writes there, when there is one.</param>
public sealed record SavedPlan(
    string Schema,
    bool NoChange,
    string PlanDigest,
    SavedTargets Targets,
    SavedPolicy Policy,
    SavedOptions Options,
    SavedServerPlan Server,
    SavedCloudPlan? Cloud = null)
{
    /// <summary>The schema this version writes and applies.</summary>
    public const string CurrentSchema = "oec-cloudfw/plan/v4";

    /// <summary>The lines the plan digest covers: each layer's target and state digest, then exactly what it writes or runs.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Lines => Plans.PlanDigest.Lines(
        Cloud is null ? null : (Cloud.Target, Cloud.Digest, Cloud.Writes),
        Server.Target, Server.Digest, Server.Backend, Server.Install, Server.Commands);

    /// <summary>The file's changes are the ones its digest was made of: nobody edited them after review.</summary>
    [JsonIgnore]
    public bool Intact => LayerDigest.Of(Lines) == PlanDigest;

    /// <summary>The layers' states as saved, for the drift check.</summary>
    [JsonIgnore]
    public SavedLayerState? CloudState => Cloud is null ? null : new(Cloud.Target, Cloud.Digest, Cloud.State);

    /// <inheritdoc cref="CloudState"/>
    [JsonIgnore]
    public SavedLayerState ServerState => new(Server.Target, Server.Digest, Server.State);

    /// <summary>
    /// Reads a saved plan. Not readable, not JSON, not a plan, or a plan of an older format (v1/v2, which named its
    /// targets by a command line): bad input (exit 2) naming the file, before anything is read or changed.
    /// </summary>
    public static SavedPlan Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"--plan {path}: cannot read it ({ex.Message})");
        }

        return Parse(text, path);
    }

    /// <summary>As <see cref="Load"/>, from the file's text.</summary>
    public static SavedPlan Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        SavedPlanHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(text, SavedPlanContext.Default.SavedPlanHeader);
        }
        catch (JsonException ex)
        {
            throw Invalid(path, ex);
        }

        switch (header?.Schema)
        {
            // v3 differs from v4 only in the expected audit shown for the review, which apply does not read.
            case CurrentSchema or "oec-cloudfw/plan/v3":
                break;
            case "oec-cloudfw/plan/v1" or "oec-cloudfw/plan/v2":
                throw new InvalidInputException(
                    $"--plan {path} was saved by an older oec-cloudfw ({header.Schema}: its targets were a command line to run again, not the plan itself): " +
                    $"run plan --out again with this version and review it (it saves {CurrentSchema})");
            default:
                throw new InvalidInputException($"--plan {path} is not a plan saved by oec-cloudfw plan --out (schema {CurrentSchema})");
        }

        try
        {
            return JsonSerializer.Deserialize(text, SavedPlanContext.Default.SavedPlan)
                   ?? throw new InvalidInputException($"--plan {path} is not a valid saved plan: it is empty");
        }
        catch (JsonException ex)
        {
            throw Invalid(path, ex);
        }
    }

    private static InvalidInputException Invalid(string path, JsonException ex) =>
        // The serializer's own message names .NET types: the place in the file is what the operator can act on.
        new(ex.LineNumber is { } line
            ? $"--plan {path} is not a valid saved plan: line {line + 1}{(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" ({ex.Path})")} is malformed or missing a field"
            : $"--plan {path} is not a valid saved plan", ex);
}

/// <summary>Only the schema of a plan file: read first, so that an older format is named as such.</summary>
/// <param name="Schema">The file's schema.</param>
public sealed record SavedPlanHeader(string? Schema);

/// <summary>Which server and which cloud layer a plan is for, as they were given (the connection inputs, not a session).</summary>
/// <param name="Server">The server's connection inputs (paths made absolute).</param>
/// <param name="Cloud">The cloud layer's provider and settings, when there is one.</param>
/// <param name="Inventory">The inventory entry the target came from (its jump hosts are taken from it again).</param>
public sealed record SavedTargets(SshTarget Server, SavedCloudTarget? Cloud = null, SavedInventoryEntry? Inventory = null);

/// <summary>A cloud layer as a provider's registration and the values of its settings.</summary>
/// <param name="Provider">The provider's name (aws, azure, hetzner, digitalocean).</param>
/// <param name="Settings">Each setting given, by its name.</param>
public sealed record SavedCloudTarget(string Provider, IReadOnlyDictionary<string, IReadOnlyList<string>> Settings);

/// <summary>The inventory entry a target was taken from.</summary>
/// <param name="File">The inventory file (absolute).</param>
/// <param name="Server">The entry's host.</param>
public sealed record SavedInventoryEntry(string File, string Server);

/// <summary>What shapes the change besides the policy.</summary>
/// <param name="Docker">policy or leave (--docker).</param>
/// <param name="Harden">--harden.</param>
/// <param name="Prune">--prune.</param>
/// <param name="Backend">The server's frontend, when forced (--backend).</param>
public sealed record SavedOptions(string Docker, bool Harden, bool Prune, string? Backend = null);

/// <summary>A cloud layer in a saved plan: its state as read and what the apply writes.</summary>
public sealed record SavedCloudPlan(string Target, string Digest, IReadOnlyList<string> State, IReadOnlyList<string> Writes);

/// <summary>The server in a saved plan: its firewall as read and the exact commands the rollback-armed apply runs.</summary>
public sealed record SavedServerPlan(string Target, string Digest, IReadOnlyList<string> State, string Backend, IReadOnlyList<string> Install, IReadOnlyList<string> Commands);
