namespace OecCloudFw.Core.Rules;

/// <summary>
/// What a layer does with a packet. Indeterminate when a rule on the packet's path has a match or target the tool does
/// not model: the verdict then names that rule instead of guessing.
/// </summary>
public enum Decision
{
    Admitted,
    Refused,
    Indeterminate,
}
