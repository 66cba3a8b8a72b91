using Microsoft.Extensions.Options;

namespace HexProperty.Caching.Tests;

public sealed class ProfileTests
{
    private static CacheProfiles Profiles(Action<HybridCacheOptions> configure)
    {
        var options = new HybridCacheOptions();
        configure(options);
        return new CacheProfiles(Options.Create(options));
    }

    [Fact]
    public void A_key_takes_the_profile_of_its_namespace_and_unknown_namespaces_the_default()
    {
        var profiles = Profiles(o =>
        {
            o.Profiles["property-details"] = new CacheProfileOptions { Namespace = "details", LocalExpiration = TimeSpan.FromMinutes(10), Expiration = TimeSpan.FromMinutes(2) };
            o.Profiles["search"] = new CacheProfileOptions { CompressAboveBytes = 0 };
        });

        Assert.Equal("property-details", profiles.ForKey("details:123").Name);
        Assert.Equal("search", profiles.ForKey(profiles["search"].Key("city:porto")).Name);
        Assert.Equal("default", profiles.ForKey("detailsx:1").Name);
        Assert.Equal("default", profiles.ForKey("no-namespace").Name);
        Assert.Equal(TimeSpan.FromMinutes(2), profiles["property-details"].EntryOptions.LocalCacheExpiration); // never longer than L2
        Assert.Equal(0, profiles["search"].CompressAboveBytes);
        Assert.Equal(TimeSpan.FromHours(1), profiles.Default.EntryOptions.Expiration);
        Assert.Equal(TimeSpan.FromMinutes(5), profiles.Default.EntryOptions.LocalCacheExpiration);
    }

    [Fact]
    public void Profile_mistakes_are_refused_with_the_profile_named()
    {
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => Profiles(o => o.Profiles["a"] = new CacheProfileOptions { EagerRefreshThreshold = 1.5 })).Message, StringComparison.Ordinal);
        Assert.Contains("share the namespace", Assert.Throws<ArgumentException>(() => Profiles(o =>
        {
            o.Profiles["a"] = new CacheProfileOptions { Namespace = "x" };
            o.Profiles["b"] = new CacheProfileOptions { Namespace = "x" };
        })).Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => Profiles(_ => { })["missing"]);
    }
}
