using OecCloudFw.Application.Providers;
using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using OecCloudFw.Cli.Commands;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Cli;

/// <summary>
/// Builds the System.CommandLine tree from the command classes: each <see cref="CommandAttribute"/> method is a
/// command; its <see cref="OptionAttribute"/> parameters, and the constructor parameters of its
/// <see cref="ICommandParameterSet"/> records, are its options. Invoking a command binds the parsed values, makes the
/// class with the <see cref="CliContext"/> and returns the method's exit code.
/// </summary>
internal static class CommandHost
{
    // Native AOT keeps what these attributes name: the parameter sets' constructors the host binds through.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(ServerTarget))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(PolicyFlags))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(ServerPolicyFlags))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(CloseFlags))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(LayersFlags))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(InventoryFlags))]
    public static void AddCommands<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>(Command parent, CliContext context, ICloudProvider? provider = null)
    {
        foreach (var method in typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<CommandAttribute>() is { } attribute)
            {
                parent.Subcommands.Add(Build(typeof(T), method, attribute, context, provider));
            }
        }
    }

    /// <summary>Adds a provider's settings as options (its own verbs: --NAME; audit/plan/apply: --PREFIX-NAME) and returns how to read them.</summary>
    private static Func<ParseResult, ProviderSettings> ProviderOptions(Command command, ICloudProvider provider, bool verb)
    {
        var options = new List<(ProviderSetting Setting, Option Option, Func<ParseResult, IReadOnlyList<string>> Read)>();
        foreach (var setting in provider.Settings.Where(s => verb || !s.VerbOnly))
        {
            var name = "--" + (verb ? setting.Name : setting.LayerFlagFor(provider.Prefix));
            string[] aliases = [.. setting.LayerAliases.Where(a => !verb || a != setting.Name).Select(a => a.Length == 1 ? "-" + a : "--" + a)];
            var (option, read) = setting.Repeatable
                ? Typed<string[]?>(name, aliases, null, v => v ?? [], defaulted: false)
                : Typed<string?>(name, aliases, null, v => v is { } one ? new[] { one } : [], defaulted: false);
            option.Description = setting.Description;
            command.Options.Add(option);
            options.Add((setting, option, r => (IReadOnlyList<string>)read(r)!));
        }

        var spelled = options.ToDictionary(o => o.Setting.Name, o => o.Option.Name, StringComparer.Ordinal);
        return result => new ProviderSettings(
            options.ToDictionary(o => o.Setting.Name, o => o.Read(result), StringComparer.Ordinal),
            name => spelled.TryGetValue(name, out var flag) ? flag : "--" + name);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Parameter-set types implement ICommandParameterSet, whose annotation keeps their public constructors.")]
    private static Command Build([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type owner, MethodInfo method, CommandAttribute attribute, CliContext context, ICloudProvider? provider)
    {
        var command = new Command(attribute.Name, attribute.Description);
        var binders = new List<Func<ParseResult, object?>?>();
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType == typeof(CancellationToken))
            {
                // The invocation's token: Ctrl+C and SIGTERM cancel it (Program wires the signals).
                binders.Add(null);
            }
            else if (parameter.ParameterType == typeof(CloudFlags))
            {
                // Every registered provider's settings, as audit/plan/apply spell them (--aws-group, --hetzner-server).
                var parts = context.Providers.Select(provider => (Provider: provider, Read: ProviderOptions(command, provider, verb: false))).ToList();
                binders.Add(result => new CloudFlags([.. parts.Select(p => (p.Provider, p.Read(result)))]));
            }
            else if (parameter.ParameterType == typeof(ProviderSettings) && provider is not null)
            {
                // One provider's own verbs: its settings spelled plainly (--firewall, --server).
                var read = ProviderOptions(command, provider, verb: true);
                binders.Add(result => read(result));
            }
            else if (typeof(ICommandParameterSet).IsAssignableFrom(parameter.ParameterType))
            {
                var constructor = parameter.ParameterType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
                var parts = constructor.GetParameters().Select(p => Option(command, p)).ToList();
                binders.Add(result => constructor.Invoke([.. parts.Select(part => part(result))]));
            }
            else if (parameter.GetCustomAttribute<ArgumentAttribute>() is { } files && parameter.ParameterType == typeof(string[]))
            {
                // A list of positional values (merge FILE…): one or more.
                var positional = new Argument<string[]>(parameter.Name!) { Description = files.Description, Arity = ArgumentArity.OneOrMore };
                command.Arguments.Add(positional);
                binders.Add(result => result.GetValue(positional) ?? []);
            }
            else if (parameter.GetCustomAttribute<ArgumentAttribute>() is { } argument)
            {
                var positional = new Argument<string?>(parameter.Name!) { Description = argument.Description, Arity = ArgumentArity.ZeroOrOne };
                command.Arguments.Add(positional);
                binders.Add(result => result.GetValue(positional));
            }
            else
            {
                binders.Add(Option(command, parameter));
            }
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            WarnDeprecated(command, result, context.Error);
            var values = binders.Select(b => b is null ? (object?)cancellationToken : b(result)).ToArray();
            var instance = provider is null ? Activator.CreateInstance(owner, context)! : Activator.CreateInstance(owner, context, provider)!;
            return await (Task<int>)method.Invoke(instance, values)!;
        });
        return command;
    }

    /// <summary>
    /// Old names kept working for one meaning only: the option's name, and the alias that now prints a warning. --port
    /// was the SSH port of the server verbs but is a firewall port in aws/azure/policy; the SSH port is --ssh-port.
    /// </summary>
    private static readonly Dictionary<string, string> DeprecatedAliases = new(StringComparer.Ordinal)
    {
        ["--ssh-port"] = "--port",
    };

    /// <summary>A one-line warning on stderr for each deprecated alias the command line used.</summary>
    private static void WarnDeprecated(Command command, ParseResult result, TextWriter error)
    {
        foreach (var option in command.Options)
        {
            if (DeprecatedAliases.TryGetValue(option.Name, out var alias) && result.GetResult(option) is { IdentifierToken.Value: var used } && used == alias)
            {
                error.WriteLine($"warning: {alias} is deprecated here; use {option.Name} (the SSH port)");
            }
        }
    }

    /// <summary>Adds the option a parameter declares and returns how to read its value (its default when absent).</summary>
    private static Func<ParseResult, object?> Option(Command command, ParameterInfo parameter)
    {
        var attribute = parameter.GetCustomAttribute<OptionAttribute>()
                        ?? throw new InvalidOperationException($"{parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}: parameter {parameter.Name} is neither an option nor an argument");
        var name = "--" + attribute.Name;
        string[] aliases = [.. attribute.ShortNames.Select(c => "-" + c), .. attribute.Aliases.Select(a => "--" + a)];
        var fallback = parameter.HasDefaultValue ? parameter.DefaultValue : null;
        var type = parameter.ParameterType;
        var (option, read) =
            type == typeof(string) ? Typed(name, aliases, (string?)fallback)
            : type == typeof(string[]) ? Typed(name, aliases, (string[]?)fallback, values => values is { Length: > 0 } ? values : fallback)
            : type == typeof(int) ? Typed(name, aliases, fallback is int i ? i : 0)
            : type == typeof(int?) ? Typed(name, aliases, (int?)fallback)
            : type == typeof(bool) ? Typed(name, aliases, fallback is true)
            : throw new InvalidOperationException($"option {name}: type {type.Name} is not supported");
        option.Description = attribute.Description;
        option.Hidden = attribute.Hidden;
        command.Options.Add(option);
        return read;
    }

    /// <summary>An option of <typeparamref name="TValue"/> (defaulting to <paramref name="fallback"/> unless <paramref name="defaulted"/> is false), and how to read it (through <paramref name="map"/> when given).</summary>
    private static (Option Option, Func<ParseResult, object?> Read) Typed<TValue>(string name, string[] aliases, TValue fallback, Func<TValue?, object?>? map = null, bool defaulted = true)
    {
        var option = new Option<TValue>(name, aliases);
        if (defaulted)
        {
            option.DefaultValueFactory = _ => fallback;
        }

        return (option, r => map is null ? r.GetValue(option) : map(r.GetValue(option)));
    }
}
