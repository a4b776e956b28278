using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Backends;

/// <summary>
/// CSF/LFD, which the guide disables because it interferes with Docker's iptables rules: <c>csf -x</c> (CSF's own
/// disable, which removes its rules cleanly) and the services disabled; never a raw flush.
/// </summary>
internal static class CsfBackend
{
    public static IReadOnlyList<string> DisableCommands(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Csf is not { Active: true })
        {
            return [];
        }

        var commands = new List<string> { "csf -x" };
        if (facts.Commands.Contains("systemctl"))
        {
            commands.Add("systemctl disable --now lfd csf 2>/dev/null || true");
        }

        return commands;
    }
}
