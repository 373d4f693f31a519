using Gatehouse.Oci;
using Gatehouse.Scanner.Consumers;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Sources;
using Gatehouse.Scanner.Vex;
using Gatehouse.Scanner.Vulnerabilities;
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
        builder.AddVulnerabilityMatching();
        return builder;
    }

    /// <summary>The scanner's consumers, for whichever host runs them (the scanner alone, or all-in-one).</summary>
    public static IBusRegistrationConfigurator AddScannerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ImageInspectionConsumer>();
        bus.AddConsumer<SbomGenerationConsumer>();
        bus.AddConsumer<VulnerabilityMatchConsumer>();
        bus.AddConsumer<AdvisoryReevaluationConsumer>();
        return bus;
    }

    /// <summary>Advisory store and snapshot, VEX sources, the evaluator both vulnerability consumers share, and the sync service.</summary>
    private static void AddVulnerabilityMatching(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdvisoryDataOptions>().BindConfiguration(AdvisoryDataOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdvisoryDataOptions>, AdvisoryDataOptionsValidator>();
        services.AddOptions<VexOptions>().BindConfiguration(VexOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VexOptions>, VexOptionsValidator>();
        services.AddSingleton<AdvisoryDatabase>();
        services.AddSingleton<IAdvisorySnapshots>(sp => sp.GetRequiredService<AdvisoryDatabase>());
        services.AddSingleton(sp => new VexFileSource(sp.GetRequiredService<IOptions<VexOptions>>()));
        services.AddSingleton<VexCache>();
        services.AddSingleton<VulnerabilityReportStore>();
        services.AddSingleton<AdvisoryIdentityIndex>();
        services.AddSingleton<StoredImageEvaluator>();
        services.AddSingleton<AffectedImageReevaluator>();
        services.AddHostedService<AdvisorySyncService>();
    }
}
