using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Harden;

/// <summary>
/// The guide's SSH best practices as exact commands: keys instead of passwords (PasswordAuthentication and
/// KbdInteractiveAuthentication no), root by key only (or not at all), in a drop-in that wins under sshd_config.d's
/// precedence (sshd keeps the first value it reads, and Debian's sshd_config includes sshd_config.d first; the file
/// sorts first in it), checked with <c>sshd -t</c>, its effect checked with <c>sshd -T</c>, then sshd reloaded.
/// </summary>
internal static class SshHardening
{
    public const string DropIn = "/etc/ssh/sshd_config.d/00-oec-cloudfw-harden.conf";

    /// <summary>sshd reads its configuration again (SIGHUP to the daemon, else the unit's reload); sessions are kept.</summary>
    public const string ReloadCommand = "if [ -s /run/sshd.pid ]; then kill -HUP \"$(cat /run/sshd.pid)\"; else systemctl reload ssh 2>/dev/null || systemctl reload sshd; fi";

    /// <summary>The commands (none when sshd already runs with these settings).</summary>
    public static IReadOnlyList<string> Plan(ServerFacts facts, RootLogin root)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var sshd = facts.Sshd;
        // sshd -T spells prohibit-password "without-password".
        var effectiveRoot = root == RootLogin.No ? "no" : "without-password";
        if (sshd.PasswordAuthentication == "no" && sshd.KbdInteractiveAuthentication is "no" or null &&
            (sshd.PermitRootLogin == effectiveRoot || (root == RootLogin.ProhibitPassword && sshd.PermitRootLogin is "prohibit-password" or "no")))
        {
            return [];
        }

        var content =
            "# oec-cloudfw server harden: SSH keys only, root by key only (or not at all). Remove this file to undo.\n" +
            "PasswordAuthentication no\n" +
            "KbdInteractiveAuthentication no\n" +
            $"PermitRootLogin {(root == RootLogin.No ? "no" : "prohibit-password")}\n";
        return
        [
            $"mkdir -p /etc/ssh/sshd_config.d && printf '%s' {ShellQuote.Quote(content)} > {DropIn} && chmod 644 {DropIn}",
            "sshd -t",
            $"t=$(sshd -T) && printf '%s\\n' \"$t\" | grep -qx 'passwordauthentication no' && printf '%s\\n' \"$t\" | grep -Eqx '(kbdinteractiveauthentication|challengeresponseauthentication) no' && " +
            $"printf '%s\\n' \"$t\" | grep -qx 'permitrootlogin {effectiveRoot}' || {{ echo 'the drop-in does not take effect: sshd_config must Include /etc/ssh/sshd_config.d/*.conf before its own settings' >&2; false; }}",
            ReloadCommand + "; sleep 0.5",
        ];
    }
}
