using Gatehouse.Admission;
using Gatehouse.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("admission");
builder.AddGatehouseBus(bus => bus.AddAdmissionConsumers());
builder.AddAdmission();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAdmission();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
