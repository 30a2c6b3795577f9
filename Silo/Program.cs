using Tollgate.Api.Extensions;
using Tollgate.Silo.Dashboard;
using Tollgate.Silo.Extensions;
using Tollgate.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTollgateSilo();
builder.Services.AddTollgateApi(builder.Configuration);

var app = builder.Build();
if (!await StartupChecks.PassAsync(app)) return 1;
app.UseTollgateApi();
app.MapTollgateDashboard();
app.Run();
return 0;

public partial class Program;
