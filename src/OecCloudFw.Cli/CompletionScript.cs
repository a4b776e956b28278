using System.CommandLine;
using System.Text;

namespace OecCloudFw.Cli;

/// <summary>
/// A shell completion script generated from the command tree: for every command path, its subcommands and options.
/// bash natively; zsh through bashcompinit.
/// </summary>
internal static class CompletionScript
{
    public static string For(RootCommand root, string shell)
    {
        ArgumentNullException.ThrowIfNull(root);
        var cases = new StringBuilder();
        void Walk(Command command, string path)
        {
            var words = command.Subcommands.Select(c => c.Name)
                .Concat(command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            cases.Append("    \"").Append(path).Append("\") words=\"").Append(string.Join(' ', words)).Append("\" ;;\n");
            foreach (var sub in command.Subcommands)
            {
                Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
            }
        }

        Walk(root, string.Empty);
        var bash = $$"""
            # oec-cloudfw completion (generated from the command tree by 'oec-cloudfw completion {{shell}}')
            _oec_cloudfw() {
              local path="" word words i
              for ((i = 1; i < COMP_CWORD; i++)); do
                word=${COMP_WORDS[i]}
                case "$word" in -*) continue ;; esac
                case " $(_oec_cloudfw_words "$path") " in *" $word "*) path=${path:+$path }$word ;; esac
              done
              words=$(_oec_cloudfw_words "$path")
              COMPREPLY=($(compgen -W "$words" -- "${COMP_WORDS[COMP_CWORD]}"))
            }
            _oec_cloudfw_words() {
              local words=""
              case "$1" in
            {{cases}}  esac
              echo "$words"
            }
            complete -F _oec_cloudfw oec-cloudfw

            """;
        return shell == "zsh" ? "#compdef oec-cloudfw\nautoload -U +X bashcompinit && bashcompinit\n" + bash : bash;
    }
}
