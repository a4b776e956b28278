using OecCloudFw.Server.SafeApply;

namespace OecCloudFw.Server.Tests.SafeApply;

public sealed class RollbackScriptsTests
{
    [Fact]
    public void ConsecutiveUfwRuleCommands_RunAsOneBatch_OthersAsTheyAre_InOrder()
    {
        string[] commands =
        [
            "ufw allow 22/tcp comment 'SSH'",
            "ufw prepend allow from '198.18.0.0/24' to any port 22 proto tcp comment 'SSH'",
            "ufw default deny incoming",
            "sed -i 's/^ENABLED=.*/ENABLED=yes/' /etc/ufw/ufw.conf && /lib/ufw/ufw-init start || ufw --force enable",
            "ufw delete allow 22/tcp",
            "ufw reload",
        ];

        var batched = RollbackScripts.Batched(commands);

        Assert.Equal(
        [
            "oecfw_ufw 'ufw allow 22/tcp comment '\\''SSH'\\''' 'ufw prepend allow from '\\''198.18.0.0/24'\\'' to any port 22 proto tcp comment '\\''SSH'\\''' 'ufw default deny incoming'",
            commands[3],
            "ufw delete allow 22/tcp",
            "ufw reload",
        ], batched);
    }

    [Theory]
    [InlineData("ufw allow 22/tcp; touch /x")]
    [InlineData("ufw allow 22/tcp && touch /x")]
    [InlineData("ufw allow $(touch /x)")]
    [InlineData("ufw allow `touch /x`")]
    [InlineData("ufw allow 22/tcp comment \"$HOME\"")]
    [InlineData("ufw allow 2*")]
    [InlineData("ufw --force enable")]
    [InlineData("ufw app allow OpenSSH")]
    public void AnythingButAPlainRuleCommand_IsNeverBatched(string odd)
    {
        string[] commands = ["ufw allow 80/tcp", odd, "ufw allow 443/tcp"];

        Assert.Equal(commands, RollbackScripts.Batched(commands));
    }

    [Fact]
    public void AQuoteInsideAComment_StaysOneWord()
    {
        string[] commands = ["ufw allow 80/tcp comment 'it'\\''s'", "ufw allow 443/tcp"];

        Assert.Equal(["oecfw_ufw 'ufw allow 80/tcp comment '\\''it'\\''\\'\\'''\\''s'\\''' 'ufw allow 443/tcp'"], RollbackScripts.Batched(commands));
    }
}
