using Gatehouse.Scanner;
using Gatehouse.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("scanner");
builder.AddGatehouseBus(bus => bus.AddScannerConsumers());
builder.AddScanner();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
