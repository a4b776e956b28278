using Amazon.EC2;
using Amazon.Runtime;
using OecCloudFw.Aws;
using OecCloudFw.Testing.Aws;

namespace OecCloudFw.Aws.Tests;

/// <summary>A real AmazonEC2Client pointed at the fake endpoint, with the SDK's standard retry mode.</summary>
internal static class Ec2TestClient
{
    public static SecurityGroupLayer CreateLayer(FakeEc2 fake, TimeSpan? timeout = null, int quota = SecurityGroupLayer.DefaultRulesQuota)
    {
        var config = new AmazonEC2Config
        {
            ServiceURL = fake.Url.ToString(),
            AuthenticationRegion = "eu-west-1",
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 3,
            Timeout = timeout ?? TimeSpan.FromSeconds(20),
        };
        return new SecurityGroupLayer(new AmazonEC2Client(new BasicAWSCredentials("AKIDTEST", "secret"), config), "eu-west-1", quota);
    }
}
