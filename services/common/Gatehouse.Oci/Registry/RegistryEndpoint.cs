using System.Net;

namespace Gatehouse.Oci.Registry;

/// <summary>Where a registry's API lives: scheme (http only for loopback and insecure hosts) and host.</summary>
internal static class RegistryEndpoint
{
    /// <summary>docker.io is a name; its API is served from registry-1.docker.io.</summary>
    public static string ApiHost(string registry) => registry == "docker.io" ? "registry-1.docker.io" : registry;

    public static Uri BaseUri(string registry, RegistryOptions settings)
    {
        var scheme = settings.Insecure || IsLoopback(registry) ? "http" : "https";
        return new Uri($"{scheme}://{ApiHost(registry)}/v2/");
    }

    /// <summary>localhost, 127.0.0.0/8 and ::1, with or without a port.</summary>
    public static bool IsLoopback(string hostWithPort)
    {
        var host = HostWithoutPort(hostWithPort);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    private static string HostWithoutPort(string hostWithPort)
    {
        if (hostWithPort.StartsWith('['))
        {
            var close = hostWithPort.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? hostWithPort : hostWithPort[..(close + 1)];
        }

        var colon = hostWithPort.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? hostWithPort : hostWithPort[..colon];
    }
}
