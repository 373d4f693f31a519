using Gatehouse.ServiceDefaults;
using Gatehouse.Signer;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("signer");
builder.AddGatehouseBus(bus => bus.AddSignerConsumers());
builder.AddSigner();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
