using System.Diagnostics;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Runs a printed AWS CLI fix as printed, with the real AWS CLI (Debian's awscli, installed by test.sh) against the
/// fake endpoint: the same words, plus --endpoint-url and the test identity. The CLI's own parsing of the shorthand
/// (--ip-permissions, --port-range) and its request signing are part of what is checked.
/// </summary>
internal static class AwsCliFix
{
    public static async Task RunAsync(string fix, Uri endpoint, CancellationToken cancellationToken)
    {
        var words = fix.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["aws", "ec2"], words[..2]);
        var start = new ProcessStartInfo("/usr/bin/aws", [.. words[1..], "--endpoint-url", endpoint.ToString(), "--no-cli-pager", "--output", "json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDTEST";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "secret";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the AWS CLI (/usr/bin/aws, Debian's awscli) is not installed: run ./test.sh as root");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"{fix}: exit {process.ExitCode}: {await stderr}{await stdout}");
    }
}
