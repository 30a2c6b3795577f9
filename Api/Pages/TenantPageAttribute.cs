using Tollgate.Api.Auth;

namespace Tollgate.Api.Pages;

/// <summary>
/// Marks a page under <c>/app/{tenantId}</c> and the permission it needs there. <see cref="TenantPageGate"/> checks it
/// with the same <see cref="TenantGuard"/> the API's tenant routes use, before the page renders or handles a form:
/// outsiders get 404, members without the permission 403. The page reads the role with
/// <see cref="TenantAccessFilters.TenantRole(HttpContext)"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class TenantPageAttribute(TenantPermission permission) : Attribute
{
    public TenantPermission Permission => permission;
}

/// <summary>
/// Names a form of a tenant's page whose post needs more than the page does (the key form of a page every member reads):
/// <see cref="TenantPageGate"/> answers a post of that form 403 for a role without <paramref name="permission"/>, as the
/// matching API route does, whether or not the page showed the form to that role.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class TenantFormAttribute(string formName, TenantPermission permission) : Attribute
{
    public string FormName => formName;
    public TenantPermission Permission => permission;
}

public static class TenantPageGate
{
    /// <summary>
    /// After authorization and the antiforgery check: a form post whose token is missing or wrong is answered 400 (with
    /// the status page, not the framework's line of text), and a tenant's page checks the person's role there.
    /// </summary>
    public static IApplicationBuilder UsePageGates(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null
            && http.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (endpoint?.Metadata.GetMetadata<TenantPageAttribute>() is { } page)
        {
            var tenantId = http.GetRouteValue("tenantId") as string ?? throw new InvalidOperationException("The page has no {tenantId}.");
            var access = await http.RequestServices.GetRequiredService<TenantGuard>().AuthorizeAsync(http.User, tenantId, page.Permission);
            if (access.Denied)
            {
                http.Response.StatusCode = access.Problem!.StatusCode; // the status page (PageStatusPages) says what it means
                return;
            }
            http.Features.Set(access);
            if (await FormDeniedAsync(http, endpoint.Metadata.GetOrderedMetadata<TenantFormAttribute>(), access.Role))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }
        await next(http);
    });

    /// <summary>Whether the post is of a form (named by the <c>_handler</c> field Razor forms send) the role may not submit.</summary>
    private static async Task<bool> FormDeniedAsync(HttpContext http, IReadOnlyList<TenantFormAttribute> forms, TenantRole role)
    {
        if (forms.Count == 0 || !HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType) return false;
        var handler = (await http.Request.ReadFormAsync(http.RequestAborted))["_handler"].ToString();
        return forms.Any(form => form.FormName == handler && !role.Allows(form.Permission));
    }
}
