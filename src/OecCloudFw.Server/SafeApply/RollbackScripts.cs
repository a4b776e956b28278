using System.Globalization;
using System.Text;

namespace OecCloudFw.Server.SafeApply;

/// <summary>
/// The server-side halves of a rollback-armed apply (POSIX sh). Only the token (hex), the timeout (a number) and
/// commands built from validated, quoted values are placed in them.
/// </summary>
internal static class RollbackScripts
{
    public const string Root = "/var/lib/oec-cloudfw/rollback";
    public const int BusyExit = 75;
    public const string AppliedMarker = "OECFW-APPLIED";
    public const string ConfirmedMarker = "OECFW-CONFIRMED";
    public const string TooLateMarker = "OECFW-TOO-LATE";

    private static readonly string[] ConfigPaths =
        ["etc/ufw", "etc/default/ufw", "etc/firewalld", "etc/iptables", "etc/sysconfig/iptables", "etc/sysconfig/ip6tables", "etc/nftables.conf", "etc/csf"];

    /// <summary>Snapshot, arm the rollback (detached, survives the SSH session), then apply the commands in order.</summary>
    public static string ArmAndApply(string token, int timeoutSeconds, IReadOnlyList<string> commands)
    {
        var d = $"{Root}/{token}";
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $$"""
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
            D={{d}}
            mkdir -p {{Root}} || exit 1
            for a in {{Root}}/*/armed; do
              if [ -e "$a" ]; then echo "another oec-cloudfw change is armed: $a"; exit {{BusyExit}}; fi
            done
            mkdir -p "$D" && cd / || exit 1
            # 1. Snapshot what the change can touch.
            if command -v iptables-save >/dev/null 2>&1; then
              iptables-save > "$D/v4" 2>/dev/null; ip6tables-save > "$D/v6" 2>/dev/null
              for f in v4 v6; do
                grep -q '^\*filter' "$D/$f" || printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' >> "$D/$f"
              done
            fi
            : > "$D/absent"; present=""
            for p in {{string.Join(' ', ConfigPaths)}}; do
              if [ -e "/$p" ]; then present="$present $p"; else echo "$p" >> "$D/absent"; fi
            done
            [ -n "$present" ] && tar -czf "$D/etc.tgz" -C / $present 2>/dev/null
            if command -v nft >/dev/null 2>&1 && nft list table inet oec_cloudfw > "$D/nft-table" 2>/dev/null; then :; else rm -f "$D/nft-table"; fi
            if pgrep -x firewalld >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then touch "$D/firewalld-running"; fi
            if command -v csf >/dev/null 2>&1 && [ ! -e /etc/csf/csf.disable ]; then touch "$D/csf-enabled"; fi
            cat > "$D/restore.sh" <<'RESTORE'
            D=$1
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
            [ -s "$D/etc.tgz" ] && tar -xzf "$D/etc.tgz" -C /
            while read -r p; do [ -n "$p" ] && rm -rf "/$p"; done < "$D/absent"
            [ -s "$D/v4" ] && iptables-restore < "$D/v4"
            [ -s "$D/v6" ] && ip6tables-restore < "$D/v6"
            if command -v nft >/dev/null 2>&1; then
              nft delete table inet oec_cloudfw 2>/dev/null
              [ -s "$D/nft-table" ] && nft -f "$D/nft-table"
            fi
            [ -e "$D/firewalld-running" ] && firewall-cmd --reload
            [ -e "$D/csf-enabled" ] && [ -e /etc/csf/csf.disable ] && csf -e
            true
            RESTORE
            cat > "$D/rollback.sh" <<ROLLBACK
            # The confirm window starts when the apply has finished (or, if the session died mid-apply, after 120 s).
            i=0; while [ ! -e "$D/applied" ] && [ \$i -lt 240 ]; do sleep 0.5; i=\$((i+1)); done
            sleep {{timeoutSeconds}}
            mv "$D/armed" "$D/firing" 2>/dev/null || exit 0
            sh "$D/restore.sh" "$D" > "$D/restore.log" 2>&1
            echo restored > "$D/result"
            ROLLBACK
            # 2. Arm: a detached session, so the rollback survives this SSH session dying.
            date +%s > "$D/armed"
            setsid nohup sh "$D/rollback.sh" > /dev/null 2>&1 < /dev/null &
            echo $! > "$D/pid"
            # 3. Apply; the first failure restores at once.
            fail() { echo "OECFW-FAILED: $1"; if mv "$D/armed" "$D/firing" 2>/dev/null; then kill -TERM -"$(cat "$D/pid")" 2>/dev/null; sh "$D/restore.sh" "$D" > "$D/restore.log" 2>&1; echo "restored" > "$D/result"; fi; exit 65; }

            """);
        foreach (var command in commands)
        {
            script.Append("( ").Append(command).Append(" ) || fail ").Append(Shells.ShellQuote.Quote(command)).Append('\n');
        }

        script.Append("touch \"$D/applied\"\n");
        script.Append("echo ").Append(AppliedMarker).Append('\n');
        return script.ToString();
    }

    /// <summary>Cancels the rollback if it has not fired; prints which of the two happened.</summary>
    public static string Confirm(string token) => $"""
        D={Root}/{token}
        if mv "$D/armed" "$D/confirmed" 2>/dev/null; then
          kill -TERM -"$(cat "$D/pid")" 2>/dev/null
          echo {ConfirmedMarker}
        else
          echo {TooLateMarker}; cat "$D/result" 2>/dev/null
        fi
        """;
}
