using System.Text.Json.Nodes;
using OecCloudFw.Core;

namespace OecCloudFw.Azure;

/// <summary>An ARM error body (<c>{"error":{"code":…,"message":…}}</c>) turned into a message with the cause and the fix.</summary>
internal sealed class ArmFailureException : Exception
{
    public ArmFailureException(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public ArmFailureException()
    {
        Code = string.Empty;
    }

    public ArmFailureException(string message)
        : base(message)
    {
        Code = string.Empty;
    }

    public ArmFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = string.Empty;
    }

    public int Status { get; }

    public string Code { get; }

    public static ArmFailureException FromBody(int status, string? body)
    {
        string code = $"HTTP{status}", message = body ?? string.Empty;
        try
        {
            var error = JsonNode.Parse(body ?? "{}")?["error"];
            code = error?["code"]?.GetValue<string>() ?? code;
            message = error?["message"]?.GetValue<string>() ?? message;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return new ArmFailureException(status, code, message);
    }

    /// <param name="what">What was read or written, for the message.</param>
    /// <param name="writeAction">The permission the call needs.</param>
    /// <param name="role">A built-in role that grants it.</param>
    public LayerFailureException ToLayerFailure(string what, string writeAction, string role = "the Network Contributor role") => new(Code switch
    {
        "ResourceNotFound" or "NotFound" or "ResourceGroupNotFound" or "SubscriptionNotFound" =>
            $"{what} not found ({Code}): {Message}: check --resource-group, --subscription and the name",
        "AuthorizationFailed" or "LinkedAuthorizationFailed" =>
            $"not authorized ({Code}) for {what}: {Message}: grant this identity {writeAction} (e.g. {role})",
        "InvalidAuthenticationToken" or "ExpiredAuthenticationToken" or "InvalidAuthenticationTokenAudience" =>
            $"Azure rejected the credentials ({Code}): {Message}: run 'az login' or check AZURE_CLIENT_ID/AZURE_TENANT_ID",
        _ => $"{what}: {Code}: {Message}",
    }, this);
}
