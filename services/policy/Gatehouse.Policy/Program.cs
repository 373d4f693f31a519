using Gatehouse.Policy;
using Gatehouse.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("policy");
builder.AddGatehouseBus(bus => bus.AddPolicyConsumers());
builder.AddPolicy();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapPolicy();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
