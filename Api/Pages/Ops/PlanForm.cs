using System.Globalization;
using System.Text.Json;
using Tollgate.Grains.Billing;

namespace Tollgate.Api.Pages.Ops;

/// <summary>
/// The plan form as typed (every field a string, so a wrong value is shown back as it was typed), and the
/// <see cref="PlanRequest"/> it makes for the catalog API's handler, which holds every rule.
/// </summary>
public sealed class PlanForm
{
    /// <summary>Empty price rows shown after the filled ones, for another currency.</summary>
    public const int BlankPriceRows = 2;

    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Interval { get; set; } = "month";
    public string? TrialDays { get; set; }
    public string? GraceDays { get; set; }
    public string? StripePriceId { get; set; }
    public string? MonthlyCredits { get; set; }
    public string? Features { get; set; }
    public bool IsDefault { get; set; }
    public bool CreditsRollOver { get; set; }
    public bool ApplyNow { get; set; }
    public List<PriceRow> Prices { get; set; } = [];
    public List<QuotaRow> Quotas { get; set; } = [];

    public sealed class PriceRow
    {
        public string? Currency { get; set; }
        public string? AmountMinor { get; set; }

        public bool IsBlank => string.IsNullOrWhiteSpace(Currency) && string.IsNullOrWhiteSpace(AmountMinor);
    }

    public sealed class QuotaRow
    {
        public string? QuotaType { get; set; }
        public string? Limit { get; set; }
    }

    public static PlanForm From(PlanInfo plan) => new()
    {
        Id = plan.Id,
        Name = plan.Name,
        Description = plan.Description,
        Interval = plan.Interval.ToString().ToLowerInvariant(),
        TrialDays = plan.TrialDays.ToString(CultureInfo.InvariantCulture),
        GraceDays = plan.GraceDays.ToString(CultureInfo.InvariantCulture),
        StripePriceId = plan.StripePriceId,
        MonthlyCredits = plan.MonthlyCredits.ToString(CultureInfo.InvariantCulture),
        Features = plan.Features.Count == 0 ? null : JsonSerializer.Serialize(plan.Features),
        IsDefault = plan.IsDefault,
        CreditsRollOver = plan.CreditsRollOver,
        Prices = PlanPrices.Of(plan).Select(p => new PriceRow
        {
            Currency = p.Currency, AmountMinor = p.AmountMinor.ToString(CultureInfo.InvariantCulture),
        }).ToList(),
        Quotas = plan.Quotas
            .Select(q => new QuotaRow { QuotaType = q.Key, Limit = q.Value.ToString(CultureInfo.InvariantCulture) }).ToList(),
    };

    /// <summary>A row for every quota type of the catalog (those the plan lacks left empty) and blank price rows at the end.</summary>
    public PlanForm WithRowsFor(CatalogSnapshot catalog)
    {
        // A posted form without a list's fields binds it as null.
        Quotas ??= [];
        Prices ??= [];
        foreach (var quotaType in catalog.QuotaTypes)
            if (Quotas.All(q => q.QuotaType != quotaType.Id)) Quotas.Add(new QuotaRow { QuotaType = quotaType.Id });
        Prices.RemoveAll(p => p.IsBlank);
        for (var i = 0; i < BlankPriceRows; i++) Prices.Add(new PriceRow());
        return this;
    }

    /// <summary>
    /// The request the API would get for this form; null with <paramref name="errors"/> when a field is not even a number
    /// (or the features not JSON), which the API's JSON body could not have held either. The first price row is the plan's main
    /// price; more rows make its list of prices, main price first, as the API takes them.
    /// </summary>
    public PlanRequest? ToRequest(bool creating, List<string> errors)
    {
        var prices = Prices.Where(p => !p.IsBlank).ToList();
        var main = prices.FirstOrDefault();
        var priceMinor = Whole(main?.AmountMinor);
        var trialDays = Number("trialDays", TrialDays, errors);
        var graceDays = Number("graceDays", GraceDays, errors);
        var monthlyCredits = Number("monthlyCredits", MonthlyCredits, errors);
        var quotas = new Dictionary<string, long>();
        foreach (var quota in Quotas.Where(q => !string.IsNullOrWhiteSpace(q.Limit) && q.QuotaType is not null))
        {
            if (Whole(quota.Limit) is { } limit) quotas[quota.QuotaType!] = limit;
            else errors.Add($"The limit of '{quota.QuotaType}' must be a whole number.");
        }
        Dictionary<string, JsonElement>? features = null;
        if (!string.IsNullOrWhiteSpace(Features))
        {
            try
            {
                features = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Features);
            }
            catch (JsonException)
            {
                errors.Add("features must be a JSON object, such as {\"sso\": true}.");
            }
        }
        if (errors.Count > 0) return null;
        var allPrices = prices.Count > 1
            ? prices.Select(p => (CurrencyPriceRequest?)new CurrencyPriceRequest(p.Currency?.Trim().ToLowerInvariant(),
                Whole(p.AmountMinor))).ToList()
            : null;
        return new PlanRequest(
            creating ? Id?.Trim() : null, Name, Blank(Description) ? null : Description, priceMinor, main?.Currency?.Trim(),
            Interval, Clamped(trialDays), Clamped(graceDays), quotas, features, Blank(StripePriceId) ? null : StripePriceId,
            IsDefault, creating ? null : ApplyNow, monthlyCredits, CreditsRollOver, allPrices);
    }

    private static bool Blank(string? text) => string.IsNullOrWhiteSpace(text);

    private static long? Whole(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A number of days far out of range stays out of range (the API then says which range), rather than overflowing.</summary>
    private static int? Clamped(long? days) => days is { } value ? (int)Math.Clamp(value, int.MinValue, int.MaxValue) : null;

    private static long? Number(string field, string? text, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (Whole(text) is { } value) return value;
        errors.Add($"{field} must be a whole number.");
        return null;
    }
}
