using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Grains.Billing;

namespace Tollgate.Api;

public sealed record CreateAppRequest([property: Required] string? Id, [property: Required] string? Name);
public sealed record CreateQuotaTypeRequest(
    [property: Required] string? Key, [property: Required] string? Name, [property: Required] string? Unit, [property: Required] string? Window);
public sealed record PlanRequest(
    string? Id, [property: Required] string? Name, string? Description, [property: Required] long? PriceMinor, [property: Required] string? Currency, [property: Required] string? Interval,
    int? TrialDays, int? GraceDays,
    Dictionary<string, long>? Quotas, Dictionary<string, JsonElement>? Features, string? StripePriceId, bool? IsDefault, bool? ApplyNow,
    long? MonthlyCredits = null, bool? CreditsRollOver = null, List<CurrencyPriceRequest?>? Prices = null);
public sealed record CreditPackRequest(
    string? Id, [property: Required] string? Name, [property: Required] long? Credits, [property: Required] long? PriceMinor,
    [property: Required] string? Currency, string? StripePriceId, List<CurrencyPriceRequest?>? Prices = null);
/// <summary>A price in one more currency: <paramref name="Currency"/> lower-case ISO 4217 ("cny"), the amount in its minor unit.</summary>
public sealed record CurrencyPriceRequest([property: Required] string? Currency, [property: Required] long? AmountMinor);
public sealed record CreateToolRequest(
    [property: Required] string? Key, [property: Required] string? Name, [property: Required] long? CreditsPerUnit);

/// <summary>The operator's catalog: apps, quota types, plans; and the public list of plans.</summary>
public static partial class CatalogApi
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex Slug();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();

    [GeneratedRegex("^[a-z]{3}$")]
    private static partial Regex PriceCurrencyCode();

    /// <summary>More currencies than anyone sells in is a mistake.</summary>
    private const int MaxPrices = 50;

    /// <summary>A past-due subscription keeps its quotas this long unless the plan says otherwise.</summary>
    private const int DefaultGraceDays = 7;

    private const string PlanConflict =
        "A plan with this id exists, another plan has this `stripePriceId`, or the change would leave no default plan (`conflict`).";

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/plans", PublicPlansAsync)
            .WithName("ListPlans").WithSummary("List the plans on sale")
            .WithTags("Plans").AllowAnonymous();

        var admin = app.MapGroup("/v1/admin").WithTags("Catalog").RequireOperator();
        admin.MapPost("/apps", CreateAppAsync)
            .WithName("CreateApp").WithSummary("Create an app (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, "An app with this id exists (`conflict`).");
        admin.MapPost("/apps/{appId}/quota-types", CreateQuotaTypeAsync)
            .WithName("CreateQuotaType").WithSummary("Create a quota type in an app (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, "The app has a quota type with this key (`conflict`).");
        admin.MapGet("/catalog", async (IGrainFactory grains) => TypedResults.Ok(await Catalog(grains).Get()))
            .WithName("GetCatalog").WithSummary("Read the whole catalog: apps, quota types and plans (operator)");
        admin.MapPost("/plans", CreatePlanAsync)
            .WithName("CreatePlan").WithSummary("Create a plan (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, PlanConflict);
        admin.MapPut("/plans/{planId}", UpdatePlanAsync)
            .WithName("UpdatePlan").WithSummary("Change a plan (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, PlanConflict);
        admin.MapPost("/plans/{planId}/archive", ArchivePlanAsync)
            .WithName("ArchivePlan").WithSummary("Take a plan off sale (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, "The default plan cannot be archived; make another plan default first (`conflict`).");
        admin.MapPost("/apps/{appId}/tools", CreateToolAsync)
            .WithName("CreateTool").WithSummary("Create a tool in an app: what a use costs in credits (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, "The app has a tool with this key (`conflict`).");
        admin.MapGet("/apps/{appId}/tools", ListToolsAsync)
            .WithName("ListTools").WithSummary("List an app's tools (operator)");
        MapCreditPacks(app, admin);
        return app;
    }

    private static ICatalogGrain Catalog(IGrainFactory grains) => grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key);

    private static async Task<Ok<List<PlanInfo>>> PublicPlansAsync(IGrainFactory grains) =>
        TypedResults.Ok((await Catalog(grains).Get()).Plans.Where(p => !p.Archived).ToList());

    internal static async Task<Results<Created<AppInfo>, ProblemHttpResult>> CreateAppAsync(
        CreateAppRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var id = SlugField(inputs, "id", request.Id);
        var name = inputs.Text("name", request.Name, required: true);
        if (!inputs.IsValid) return inputs.Problem();
        return ToResult(await Catalog(grains).CreateApp(id!, name!, http.Actor()), app => TypedResults.Created($"/v1/admin/apps/{app.Id}", app));
    }

    internal static async Task<Results<Created<QuotaTypeInfo>, ProblemHttpResult>> CreateQuotaTypeAsync(
        string appId, CreateQuotaTypeRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var key = SlugField(inputs, "key", request.Key);
        var name = inputs.Text("name", request.Name, required: true);
        var unit = inputs.Text("unit", request.Unit, required: true, maxLength: 40);
        if (!Enum.TryParse<QuotaWindow>(request.Window, ignoreCase: true, out var window) || int.TryParse(request.Window, out _))
            inputs.Fail("window", "Window must be one of daily, monthly, yearly, lifetime.");
        if (!inputs.IsValid) return inputs.Problem();
        return ToResult(await Catalog(grains).CreateQuotaType(appId, key!, name!, unit!, window, http.Actor()),
            quota => TypedResults.Created($"/v1/admin/apps/{appId}/quota-types/{quota.Key}", quota));
    }

    internal static async Task<Results<Created<PlanInfo>, ProblemHttpResult>> CreatePlanAsync(
        PlanRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var id = SlugField(inputs, "id", request.Id);
        var definition = Definition(inputs, request);
        if (request.ApplyNow is not null) inputs.Fail("applyNow", "applyNow is for changing a plan: a new plan has no subscribers yet.");
        if (!inputs.IsValid) return inputs.Problem();
        return ToResult(await Catalog(grains).CreatePlan(id!, definition!, http.Actor()), plan => TypedResults.Created($"/v1/admin/plans/{plan.Id}", plan));
    }

    internal static async Task<Results<Ok<PlanInfo>, ProblemHttpResult>> UpdatePlanAsync(
        string planId, PlanRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var definition = Definition(inputs, request);
        if (request.Id is not null && request.Id != planId)
            inputs.Fail("id", $"A plan keeps its id: this is '{planId}', the one in the path.");
        if (!inputs.IsValid) return inputs.Problem();
        var result = await Catalog(grains).UpdatePlan(planId, definition!, http.Actor());
        if (result.Error == CatalogError.None && request.ApplyNow == true)
            foreach (var tenantId in await grains.GetGrain<IPlanSubscribersGrain>(planId).Get())
                await grains.GetGrain<ISubscriptionGrain>(tenantId).RefreshPlan();
        return ToResult(result, TypedResults.Ok);
    }

    internal static async Task<Results<Ok<PlanInfo>, ProblemHttpResult>> ArchivePlanAsync(
        string planId, HttpContext http, IGrainFactory grains) =>
        ToResult(await Catalog(grains).ArchivePlan(planId, http.Actor()), TypedResults.Ok);

    private static PlanDefinition? Definition(Inputs inputs, PlanRequest request)
    {
        var name = inputs.Text("name", request.Name, required: true);
        var description = inputs.Text("description", request.Description, required: false, maxLength: 1000);
        if (request.PriceMinor is not >= 0) inputs.Fail("priceMinor", "priceMinor is required: a whole number of minor units, 0 or more.");
        var currency = request.Currency?.Trim().ToUpperInvariant();
        if (currency is null || !CurrencyCode().IsMatch(currency)) inputs.Fail("currency", "currency must be an ISO 4217 code such as USD.");
        if (!Enum.TryParse<BillingInterval>(request.Interval, ignoreCase: true, out var interval) || int.TryParse(request.Interval, out _))
            inputs.Fail("interval", "interval must be month or year.");
        if (request.TrialDays is < 0 or > 365) inputs.Fail("trialDays", "trialDays must be from 0 to 365.");
        if (request.GraceDays is < 0 or > 90) inputs.Fail("graceDays", "graceDays must be from 0 to 90.");
        var quotas = request.Quotas ?? [];
        foreach (var (quotaType, limit) in quotas)
            if (limit < 0) inputs.Fail("quotas", $"The limit of '{quotaType}' must be 0 or more.");
        var stripePriceId = inputs.Text("stripePriceId", request.StripePriceId, required: false, maxLength: 255);
        if (request.MonthlyCredits is < 0 or > MaxCredits) inputs.Fail("monthlyCredits", $"monthlyCredits must be from 0 to {MaxCredits}.");
        var prices = Prices(inputs, request.Prices, request.PriceMinor, currency);
        if (!inputs.IsValid) return null;
        return new PlanDefinition(name!, description, request.PriceMinor!.Value, currency!, interval, request.TrialDays ?? 0, request.GraceDays ?? DefaultGraceDays,
            quotas, request.Features ?? [], stripePriceId, request.IsDefault ?? false,
            request.MonthlyCredits ?? 0, request.CreditsRollOver ?? false, prices);
    }

    /// <summary>
    /// The prices per currency a request names, null when it names none (the plan or pack then has just priceMinor in
    /// currency). When given, the first is priceMinor in currency, so clients that read only those two keep working.
    /// </summary>
    private static List<CurrencyPrice>? Prices(Inputs inputs, List<CurrencyPriceRequest?>? requested, long? priceMinor, string? currency)
    {
        if (requested is null) return null;
        if (requested.Count is 0 or > MaxPrices)
        {
            inputs.Fail("prices", $"prices holds 1 to {MaxPrices} prices, the first being priceMinor in currency.");
            return null;
        }
        var prices = new List<CurrencyPrice>();
        for (var i = 0; i < requested.Count; i++)
        {
            var code = requested[i]?.Currency;
            var amount = requested[i]?.AmountMinor;
            if (code is null || !PriceCurrencyCode().IsMatch(code))
                inputs.Fail($"prices[{i}].currency", "currency must be a lower-case ISO 4217 code such as cny.");
            else if (prices.Any(p => p.Currency == code))
                inputs.Fail($"prices[{i}].currency", $"'{code}' has a price already: one price per currency.");
            if (amount is not >= 0)
                inputs.Fail($"prices[{i}].amountMinor", "amountMinor is required: a whole number of minor units, 0 or more.");
            else if (code is not null) prices.Add(new CurrencyPrice(code, amount.Value));
        }
        if (prices.Count > 0 && currency is not null && priceMinor is not null
            && (prices[0].Currency != currency.ToLowerInvariant() || prices[0].AmountMinor != priceMinor))
            inputs.Fail("prices", $"The first price must be priceMinor in currency ({priceMinor} {currency.ToLowerInvariant()}).");
        return prices;
    }

    private static string? SlugField(Inputs inputs, string field, string? value)
    {
        if (value is not null && Slug().IsMatch(value)) return value;
        inputs.Fail(field, $"{field} must be 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or digit.");
        return null;
    }

    private static Results<TSuccess, ProblemHttpResult> ToResult<T, TSuccess>(CatalogResult<T> result, Func<T, TSuccess> success)
        where TSuccess : IResult => result.Error switch
        {
            CatalogError.None => success(result.Value!),
            CatalogError.NotFound => Problems.Create(StatusCodes.Status404NotFound, "not_found", "Not found", result.Detail),
            CatalogError.Conflict => Problems.Conflict("conflict", result.Detail!),
            _ => Problems.Field(result.Field ?? "request", result.Detail!),
        };

    /// <summary>Credits are whole numbers; a pack or a refill of more than a trillion is a typo, and sums of them stay far from
    /// overflow.</summary>
    private const long MaxCredits = 1_000_000_000_000;

    private const string PackConflict = "A credit pack with this id exists, or a pack or plan has this `stripePriceId` (`conflict`).";

    private static void MapCreditPacks(IEndpointRouteBuilder app, RouteGroupBuilder admin)
    {
        app.MapGet("/v1/credit-packs", async (IGrainFactory grains) =>
            TypedResults.Ok((await Catalog(grains).Get()).CreditPacks.Where(p => !p.Archived).ToList()))
            .WithName("ListCreditPacks").WithSummary("List the credit packs on sale")
            .WithTags("Credits").AllowAnonymous();
        admin.MapGet("/credit-packs", async (IGrainFactory grains) => TypedResults.Ok((await Catalog(grains).Get()).CreditPacks))
            .WithName("ListAllCreditPacks").WithSummary("List every credit pack, archived ones too (operator)");
        admin.MapPost("/credit-packs", CreateCreditPackAsync)
            .WithName("CreateCreditPack").WithSummary("Create a credit pack (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, PackConflict);
        admin.MapPut("/credit-packs/{packId}", UpdateCreditPackAsync)
            .WithName("UpdateCreditPack").WithSummary("Change a credit pack (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, PackConflict);
        admin.MapPost("/credit-packs/{packId}/archive", ArchiveCreditPackAsync)
            .WithName("ArchiveCreditPack").WithSummary("Take a credit pack off sale (operator)");
    }

    internal static async Task<Results<Created<CreditPackInfo>, ProblemHttpResult>> CreateCreditPackAsync(
        CreditPackRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var id = SlugField(inputs, "id", request.Id);
        var definition = PackDefinition(inputs, request);
        if (!inputs.IsValid) return inputs.Problem();
        return ToResult(await Catalog(grains).CreateCreditPack(id!, definition!, http.Actor()),
            pack => TypedResults.Created($"/v1/admin/credit-packs/{pack.Id}", pack));
    }

    internal static async Task<Results<Ok<CreditPackInfo>, ProblemHttpResult>> UpdateCreditPackAsync(
        string packId, CreditPackRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var definition = PackDefinition(inputs, request);
        if (request.Id is not null && request.Id != packId) inputs.Fail("id",
            $"A credit pack keeps its id: this is '{packId}', the one in the path.");
        if (!inputs.IsValid) return inputs.Problem();
        return ToResult(await Catalog(grains).UpdateCreditPack(packId, definition!, http.Actor()), TypedResults.Ok);
    }

    internal static async Task<Results<Ok<CreditPackInfo>, ProblemHttpResult>> ArchiveCreditPackAsync(
        string packId, HttpContext http, IGrainFactory grains) =>
        ToResult(await Catalog(grains).ArchiveCreditPack(packId, http.Actor()), TypedResults.Ok);

    private static CreditPackDefinition? PackDefinition(Inputs inputs, CreditPackRequest request)
    {
        var name = inputs.Text("name", request.Name, required: true);
        if (request.Credits is not (>= 1 and <= MaxCredits)) inputs.Fail("credits",
            $"credits is required: a whole number from 1 to {MaxCredits}.");
        if (request.PriceMinor is not >= 0) inputs.Fail("priceMinor", "priceMinor is required: a whole number of minor units, 0 or more.");
        var currency = request.Currency?.Trim().ToUpperInvariant();
        if (currency is null || !CurrencyCode().IsMatch(currency)) inputs.Fail("currency",
            "currency must be an ISO 4217 code such as USD.");
        var stripePriceId = inputs.Text("stripePriceId", request.StripePriceId, required: false, maxLength: 255);
        var prices = Prices(inputs, request.Prices, request.PriceMinor, currency);
        return inputs.IsValid ? new CreditPackDefinition(name!, request.Credits!.Value, request.PriceMinor!.Value, currency!,
            stripePriceId, prices) : null;
    }

    /// <summary>The most a unit of a tool may cost: units times this stays far from overflowing for any sane request.</summary>
    public const long MaxCreditsPerUnit = 1_000_000_000;

    internal static async Task<Results<Created<ToolInfo>, ProblemHttpResult>> CreateToolAsync(
        string appId, CreateToolRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var key = SlugField(inputs, "key", request.Key);
        var name = inputs.Text("name", request.Name, required: true);
        if (request.CreditsPerUnit is not (>= 1 and <= MaxCreditsPerUnit))
            inputs.Fail("creditsPerUnit", $"creditsPerUnit is required: a whole number from 1 to {MaxCreditsPerUnit}.");
        if (!inputs.IsValid) return inputs.Problem();
        return ToResult(await Catalog(grains).CreateTool(appId, key!, name!, request.CreditsPerUnit!.Value, http.Actor()),
            tool => TypedResults.Created($"/v1/admin/apps/{appId}/tools/{tool.Key}", tool));
    }

    private static async Task<Results<Ok<List<ToolInfo>>, ProblemHttpResult>> ListToolsAsync(string appId, IGrainFactory grains) =>
        await Catalog(grains).Get() is var catalog && catalog.Apps.Any(a => a.Id == appId)
            ? TypedResults.Ok(catalog.Tools.Where(t => t.AppId == appId).ToList())
            : Problems.NotFound("The app");
}
