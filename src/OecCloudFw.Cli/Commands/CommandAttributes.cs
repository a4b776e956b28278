namespace OecCloudFw.Cli.Commands;

/// <summary>A method that is a command: its name and what it does (help).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CommandAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string? Description { get; set; }
}

/// <summary>A parameter that is an option: <c>--name</c>, with optional one-letter aliases (<c>-g</c>).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class OptionAttribute(string name, char[]? shortNames = null) : Attribute
{
    public string Name { get; } = name;

    public IReadOnlyList<char> ShortNames { get; } = shortNames ?? [];

    /// <summary>Other long names for the same option (the same option means the same thing in every command).</summary>
    public string[] Aliases { get; set; } = [];

    public string? Description { get; set; }

    /// <summary>Not shown in help or completion (an option the tool passes to itself).</summary>
    public bool Hidden { get; set; }
}

/// <summary>A parameter that is a positional argument.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class ArgumentAttribute : Attribute
{
    public string? Description { get; set; }
}

/// <summary>
/// A record whose constructor parameters are options shared by several commands (a target, the policy flags). The
/// annotation keeps every implementing record's public constructors through trimming and Native AOT: the command
/// host binds through them.
/// </summary>
#pragma warning disable CA1040 // A marker: the command host expands such parameters into their options.
[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)]
internal interface ICommandParameterSet;
#pragma warning restore CA1040
