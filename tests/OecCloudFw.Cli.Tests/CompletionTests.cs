using System.Diagnostics;

namespace OecCloudFw.Cli.Tests;

/// <summary><c>completion bash|zsh</c>: a script generated from the command tree, sourced by a real bash.</summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("aws o", "open")]
    [InlineData("a", "apply audit aws azure")]
    [InlineData("aws open --ssh", "--ssh-port --ssh-source")]
    [InlineData("server configure --confirm", "--confirm-timeout")]
    [InlineData("audit --aws-sub", "--aws-subnet")]
    public async Task BashCompletion_CompletesCommandsAndTheirOptions(string line, string expected)
    {
        var script = await CliHarness.RunAsync("completion", "bash");
        Assert.Equal(0, script.ExitCode);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, script.Output, TestContext.Current.CancellationToken);
        var words = $"oec-cloudfw {line}".Split(' ');
        var probe = $"source {file}; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}; _oec_cloudfw; echo \"${{COMPREPLY[*]}}\"";
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", probe]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await bash.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken);
        File.Delete(file);

        Assert.Equal(expected, output.Trim());
    }

    [Fact]
    public async Task ZshCompletion_UsesBashcompinit_AndAnUnknownShellIsBadInput()
    {
        var zsh = await CliHarness.RunAsync("completion", "zsh");
        var fish = await CliHarness.RunAsync("completion", "fish");

        Assert.StartsWith("#compdef oec-cloudfw\nautoload -U +X bashcompinit && bashcompinit\n", zsh.Output, StringComparison.Ordinal);
        Assert.Equal(2, fish.ExitCode);
    }
}
