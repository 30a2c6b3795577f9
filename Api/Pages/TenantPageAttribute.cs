using Tollgate.Api.Auth;

namespace Tollgate.Api.Pages;

/// <summary>
/// Marks a page under <c>/app/{tenantId}</c> and the permissions it needs there: to read it, and to post its forms.
/// <see cref="TenantPageGate"/> checks them with the same <see cref="TenantGuard"/> the API's tenant routes use, before
/// the page renders or handles a form: outsiders get 404, members without the permission 403. The page reads the role with
/// <see cref="TenantAccessFilters.TenantRole(HttpContext)"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class TenantPageAttribute : Attribute
{
    /// <param name="permission">What reading the page needs.</param>
    public TenantPageAttribute(TenantPermission permission) => Permission = permission;

    /// <param name="permission">What reading the page needs.</param>
    /// <param name="forms">What posting its forms needs: the page shows them only to roles allowed this, and the gate answers
    /// 403 to a post from anyone else, as the API route behind each form would.</param>
    public TenantPageAttribute(TenantPermission permission, TenantPermission forms) : this(permission) => Forms = forms;

    public TenantPermission Permission { get; }

    public TenantPermission? Forms { get; }
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
            var permission = HttpMethods.IsPost(http.Request.Method) && page.Forms is { } forms ? forms : page.Permission;
            var access = await http.RequestServices.GetRequiredService<TenantGuard>().AuthorizeAsync(http.User, tenantId, permission);
            if (access.Denied)
            {
                http.Response.StatusCode = access.Problem!.StatusCode; // the status page (PageStatusPages) says what it means
                return;
            }
            http.Features.Set(access);
        }
        await next(http);
    });
}
