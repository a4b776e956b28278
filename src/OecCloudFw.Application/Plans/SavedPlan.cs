using System.Text.Json;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;

namespace OecCloudFw.Application.Plans;

/// <summary>What apply --plan reads back from a saved plan (JSON, parsed without reflection).</summary>
public sealed record SavedPlan(IReadOnlyList<string> Arguments, string PlanDigest, SavedLayerState? Cloud, SavedLayerState Server, IReadOnlyList<string> Lines)
{
    /// <summary>The file's changes (cloud writes, server install and commands) are the ones its digest was made of: nobody edited them after review.</summary>
    public bool Intact => LayerDigest.Of(Lines) == PlanDigest;

    public static SavedPlan Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"--plan {path}: cannot read it ({ex.Message})");
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            // v1 and v2 differ from v3 only in the expected audit they show: their layers and changes read the same.
            if (root.GetProperty("schema").GetString() is not ("oec-cloudfw/plan/v3" or "oec-cloudfw/plan/v2" or "oec-cloudfw/plan/v1"))
            {
                throw new InvalidInputException($"--plan {path} is not a plan saved by oec-cloudfw plan --out (schema oec-cloudfw/plan/v3)");
            }

            static SavedLayerState Layer(JsonElement e) => new(
                e.GetProperty("target").GetString()!, e.GetProperty("digest").GetString()!,
                e.GetProperty("state").EnumerateArray().Select(l => l.GetString()!).ToList());
            var arguments = root.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()!).ToList();
            if (arguments.Any(a => a is "--plan" or "--verify-plan" || a.StartsWith("--plan=", StringComparison.Ordinal) || a.StartsWith("--verify-plan=", StringComparison.Ordinal)))
            {
                throw new InvalidInputException($"--plan {path}: its arguments name another plan");
            }

            static List<string> Strings(JsonElement e, string name) => [.. e.GetProperty(name).EnumerateArray().Select(l => l.GetString()!)];
            var hasCloud = root.TryGetProperty("cloud", out var cloud) && cloud.ValueKind == JsonValueKind.Object;
            var server = root.GetProperty("server");
            var lines = Plans.PlanDigest.Lines(
                hasCloud ? (cloud.GetProperty("target").GetString()!, cloud.GetProperty("digest").GetString()!, Strings(cloud, "writes")) : null,
                server.GetProperty("target").GetString()!, server.GetProperty("digest").GetString()!, server.GetProperty("backend").GetString()!,
                Strings(server, "install"), Strings(server, "commands"));
            return new SavedPlan(
                arguments,
                root.GetProperty("planDigest").GetString()!,
                hasCloud ? Layer(cloud) : null,
                Layer(server),
                lines);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidInputException($"--plan {path} is not a valid saved plan: {ex.Message}");
        }
    }
}
