using OecCloudFw.Core.Providers;

namespace OecCloudFw.Core.Tests.Providers;

/// <summary>
/// The groups of listed cloud servers, as Ansible names them: keyed groups <c>prefix_key_value</c> (an empty value keeps
/// its separator, as constructed's keyed_groups write it), list items <c>prefix_item</c>, and to_safe_group_name's
/// replacement of every character outside [A-Za-z0-9_] by one '_' per character (a surrogate pair is one character).
/// </summary>
public sealed class InventoryGroupTests
{
    [Theory]
    [InlineData("tag", "Role", "web", "tag_Role_web")]
    [InlineData("tag", "Role", "", "tag_Role_")]
    [InlineData("label", "env", "prod-eu", "label_env_prod_eu")]
    [InlineData("tag", "cost center", "R&D", "tag_cost_center_R_D")]
    [InlineData("tag", "k8s.io/role", "ñ", "tag_k8s_io_role__")]
    [InlineData("tag", "emoji", "😀", "tag_emoji__")]
    public void Keyed_AsAnsibleNamesAndMakesItSafe(string prefix, string key, string value, string expected) =>
        Assert.Equal(expected, InventoryGroup.Keyed(prefix, key, value));

    [Fact]
    public void Keyed_ListItem_HasNoValueSeparator() => Assert.Equal("tag_web_prod", InventoryGroup.Keyed("tag", "web:prod"));
}
