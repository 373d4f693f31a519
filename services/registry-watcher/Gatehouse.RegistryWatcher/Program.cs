using Gatehouse.RegistryWatcher;
using Gatehouse.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("registry-watcher");
builder.AddGatehouseBus(_ => { }); // publishes only
builder.AddRegistryWatcher();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRegistryWatcher();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
