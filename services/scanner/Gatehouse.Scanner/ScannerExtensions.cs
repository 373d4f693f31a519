using Gatehouse.Oci;
using Gatehouse.Scanner.Consumers;
using MassTransit;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Scanner;

public static class ScannerExtensions
{
    /// <summary>The scanner's services: the OCI client and what its consumers need.</summary>
    public static IHostApplicationBuilder AddScanner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOciClient(builder.Configuration);
        return builder;
    }

    /// <summary>The scanner's consumers, for whichever host runs them (the scanner alone, or all-in-one).</summary>
    public static IBusRegistrationConfigurator AddScannerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ImageInspectionConsumer>();
        return bus;
    }
}
