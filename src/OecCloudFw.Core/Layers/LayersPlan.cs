namespace OecCloudFw.Core.Layers;

/// <summary>What one apply would change in both layers, each planned from the state whose digest it carries.</summary>
/// <param name="Cloud">The cloud layer's plan, when one was given.</param>
/// <param name="Server">The server's plan.</param>
public sealed record LayersPlan(CloudLayerPlan? Cloud, ServerLayerPlan Server)
{
    public bool IsNoOp => (Cloud?.IsNoOp ?? true) && Server.IsNoOp;
}
