using System.Text.Json.Serialization;

namespace OecCloudFw.Application.Plans;

/// <summary>
/// How a saved plan is read back: System.Text.Json source generation (no reflection, ready for AOT), every field the
/// type declares required and non-null as declared, so a plan missing one is refused, not half-read.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SavedPlan))]
[JsonSerializable(typeof(SavedPlanHeader))]
internal sealed partial class SavedPlanContext : JsonSerializerContext;
