using OecCloudFw.Application.Providers;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Verbs;

/// <summary>
/// The JSON documents of <c>&lt;provider&gt; open | close | show</c>, made from the generic use cases' typed results.
/// Every provider prints the cloud-open/close/show documents, except aws and azure, which keep the documents (and
/// schemas) they had before the seam (aws-open/v1, azure-show/v2, …), so that what reads them keeps working.
/// </summary>
public interface IVerbDocuments
{
    void Open(TextWriter output, ICloudLayer layer, CloudOpenResult result, bool dryRun, IReadOnlyList<string> undo);

    void Close(TextWriter output, ICloudLayer layer, CloudCloseResult result, bool dryRun);

    void Show(TextWriter output, ICloudLayer layer, CloudShowResult result);
}

/// <summary>Which documents a provider's verbs print.</summary>
public static class VerbDocuments
{
    /// <summary>The documents aws and azure printed before the seam, kept for compatibility; a further provider prints the generic ones.</summary>
    private static readonly Dictionary<string, IVerbDocuments> Kept = new(StringComparer.Ordinal)
    {
        ["aws"] = new AwsVerbDocuments(),
        ["azure"] = new AzureVerbDocuments(),
    };

    public static IVerbDocuments For(ICloudProvider provider) =>
        Kept.TryGetValue(provider.Name, out var kept) ? kept : new CloudVerbDocuments(provider.Name);

    /// <summary>The adapter's own layer inside what the provider made (a layer owning its client wraps it).</summary>
    internal static T Inner<T>(ICloudLayer layer)
        where T : class =>
        (layer as OwningLayer)?.Inner as T ?? layer as T ?? throw new InvalidOperationException($"{layer.Target} is not a {typeof(T).Name}");
}
