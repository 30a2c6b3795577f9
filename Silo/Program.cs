using Tollgate.Api.Extensions;
using Tollgate.Silo.Dashboard;
using Tollgate.Silo.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddTollgateSilo();
builder.Services.AddTollgateApi(builder.Configuration);

var app = builder.Build();
app.UseTollgateApi();
app.MapTollgateDashboard();
app.Run();

public partial class Program;
