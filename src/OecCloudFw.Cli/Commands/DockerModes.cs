using OecCloudFw.Core;
using OecCloudFw.Server.Backends;

namespace OecCloudFw.Cli.Commands;

/// <summary>The <c>--docker</c> option's values.</summary>
internal static class DockerModes
{
    public static DockerMode Parse(string value) => value?.Trim().ToLowerInvariant() switch
    {
        "policy" => DockerMode.Policy,
        "leave" => DockerMode.Leave,
        _ => throw new InvalidInputException($"--docker '{value}' is not a mode: use policy (Docker's published ports follow the policy) or leave"),
    };
}
