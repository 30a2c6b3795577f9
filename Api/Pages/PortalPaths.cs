namespace Tollgate.Api.Pages;

/// <summary>Where the customer portal's pages live; a tenant's pages are under <c>/app/{tenantId}</c>.</summary>
public static class PortalPaths
{
    public const string Home = "/app";
    public const string Invitations = "/app/invitations";
    public const string Register = "/register";

    /// <summary>The route template of a tenant's pages, for endpoints that serve a page area (a CSV download).</summary>
    public const string TenantRoute = Home + "/{tenantId}";

    public static string Tenant(string tenantId, string page = "") =>
        $"{Home}/{Uri.EscapeDataString(tenantId)}{(page.Length == 0 ? "" : "/" + page)}";
}

/// <summary>Where the operator's console pages live.</summary>
public static class OpsPaths
{
    public const string Home = "/ops";
    public const string Tenants = "/ops/tenants";
    public const string Catalog = "/ops/catalog";
    public const string Analytics = "/ops/analytics";
    public const string AnalyticsCsv = "/ops/analytics.csv";
    public const string TopUsageCsv = "/ops/analytics/top-usage.csv";

    /// <summary>The Orleans Dashboard, mapped by the silo.</summary>
    public const string Dashboard = "/dashboard";

    public static string Tenant(string tenantId) => $"{Tenants}/{Uri.EscapeDataString(tenantId)}";

    /// <summary>The form for a new plan; <see cref="Plan"/> edits one.</summary>
    public const string NewPlan = "/ops/catalog/plans";

    public static string Plan(string planId) => $"{NewPlan}/{Uri.EscapeDataString(planId)}";
}
