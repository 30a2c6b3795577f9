using Microsoft.AspNetCore.Authentication;
using Tollgate.Sample.Auth;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuthentication(SampleTokenHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, SampleTokenHandler>(SampleTokenHandler.SchemeName, null);
builder.Services.AddAuthorization();
builder.Services.AddProblemDetails();
builder.Services.AddTollgate(); // the client and the guards, from the "Tollgate" section of appsettings.json

var app = builder.Build();
app.UseExceptionHandler();
app.UseAuthentication();
app.UseAuthorization();
app.UseTollgate(); // after the app's own auth: a caller it refuses costs nothing

var quotaType = app.Configuration["Sample:QuotaType"]!;
var tool = app.Configuration["Sample:Tool"]!;

// Each report costs 1 of the quota; its answer carries X-Quota-Limit, X-Quota-Remaining and X-Quota-Reset.
app.MapPost("/reports", (HttpContext http) => TypedResults.Ok(new { report = "ready", user = http.User.Identity!.Name }))
    .RequireAuthorization().RequireQuota(quotaType);

// Each render spends 3 units of the tool's price in credits; its answer carries X-Credits-Remaining.
app.MapPost("/renders", () => TypedResults.Ok(new { render = "done" }))
    .RequireAuthorization().RequireCredits(tool, units: 3);

// An export whose backend is down: it answers 500, and the quota it took is given back.
app.MapPost("/exports", () => TypedResults.Problem("The export backend is down.", statusCode: StatusCodes.Status500InternalServerError))
    .RequireAuthorization().RequireQuota(quotaType, refundOnServerError: true);

app.Run();

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
