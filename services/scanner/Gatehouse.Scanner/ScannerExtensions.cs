using Gatehouse.Oci;
using Gatehouse.Scanner.Consumers;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Sources;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Scanner;

public static class ScannerExtensions
{
    /// <summary>The scanner's services: the OCI client and what its consumers need.</summary>
    public static IHostApplicationBuilder AddScanner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOciClient(builder.Configuration);
        builder.Services.AddOptions<ScannerOptions>().BindConfiguration(ScannerOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ScannerOptions>, ScannerOptionsValidator>();
        builder.Services.AddSingleton(sp => new ImageSourceOpener(sp.GetRequiredService<IImageStoreFactory>()));
        builder.Services.AddSingleton(sp => new ImageInventoryScanner(sp.GetRequiredService<ImageSourceOpener>(),
            sp.GetRequiredService<ILogger<ImageInventoryScanner>>()));
        builder.Services.AddSingleton<SbomGenerator>();
        builder.Services.AddSingleton<SbomIndex>();
        return builder;
    }

    /// <summary>The scanner's consumers, for whichever host runs them (the scanner alone, or all-in-one).</summary>
    public static IBusRegistrationConfigurator AddScannerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ImageInspectionConsumer>();
        bus.AddConsumer<SbomGenerationConsumer>();
        return bus;
    }
}
