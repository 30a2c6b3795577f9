using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api.Auth;
using Tollgate.Api.Pages;
using Tollgate.Api.Tests;
using Tollgate.Grains.Identity;

namespace Tollgate.Pages.Tests;

/// <summary>
/// Every page the silo serves, found from its endpoints (so a new page is covered without being listed here): without a
/// cookie it redirects to sign-in; a tenant's page is 404 for someone outside the tenant and 403 for a member whose role
/// lacks its permission; the console is 403 for anyone but the operator. A page under <c>/app/{tenantId}</c> that does not
/// name its permission fails here. The owner and the operator read every page they may in Chinese, and every text on
/// those pages has its Chinese translation.
/// </summary>
public sealed class PageAccessMatrixTests(PagesHost host) : IClassFixture<PagesHost>
{
    [Fact]
    public async Task Every_page_checks_the_cookie_the_tenant_and_the_role_as_the_api_does()
    {
        var owner = await host.Api.RegisterAsync("matrix-owner@example.com");
        var member = await host.Api.RegisterAsync("matrix-member@example.com");
        var outsider = await host.Api.RegisterAsync("matrix-outsider@example.com");
        await host.Api.AddMemberAsync(owner, owner.TenantId, member, "member");
        var asOwner = await SignedInAsync(owner.Email, owner.Password, "zh-CN");
        var asMember = await SignedInAsync(member.Email, member.Password);
        var asOutsider = await SignedInAsync(outsider.Email, outsider.Password);
        var asOperator = await SignedInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, "zh-CN");
        var anonymous = new Browser(host.BaseAddress);

        var pages = Pages().ToList();
        var templates = string.Join(", ", pages.Select(page => page.Template));
        Assert.True(pages.Any(page => page.Template.Equals("/app/{tenantId}", StringComparison.OrdinalIgnoreCase)), templates);
        Assert.True(pages.Any(page => page.Template == "/ops"), templates);
        var failures = new List<string>();
        foreach (var page in pages)
        {
            var path = page.Path(owner.TenantId);
            void Expect(HttpStatusCode expected, HttpResponseMessage response, string who)
            {
                if (response.StatusCode != expected) failures.Add($"{path} as {who}: {(int)response.StatusCode}, expected {(int)expected}");
            }

            if (page.Anonymous) continue;
            var signedOut = await anonymous.GetAsync(path);
            if (signedOut.StatusCode != HttpStatusCode.Found
                || signedOut.Headers.Location?.OriginalString.StartsWith("/signin?returnUrl=", StringComparison.Ordinal) != true)
                failures.Add($"{path} without a cookie: {(int)signedOut.StatusCode} {signedOut.Headers.Location}, expected sign-in");

            if (page.OperatorOnly)
            {
                Expect(HttpStatusCode.Forbidden, await asOwner.GetAsync(path), "a tenant owner");
                if (page.HasOnlyTenantParameter) Expect(HttpStatusCode.OK, await asOperator.GetAsync(path), "the operator");
                continue;
            }
            if (page.Permission is not { } permission)
            {
                if (page.Template.Contains("{tenantId}", StringComparison.OrdinalIgnoreCase))
                    failures.Add($"{page.Template} is a tenant's page without [TenantPage(permission)]");
                continue;
            }
            Expect(HttpStatusCode.NotFound, await asOutsider.GetAsync(path), "someone outside the tenant");
            var memberAnswer = await asMember.GetAsync(path);
            if (!TenantRole.Member.Allows(permission)) Expect(HttpStatusCode.Forbidden, memberAnswer, "a member");
            else if (page.HasOnlyTenantParameter) Expect(HttpStatusCode.OK, memberAnswer, "a member");
            if (page.HasOnlyTenantParameter) Expect(HttpStatusCode.OK, await asOwner.GetAsync(path), "the owner");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(host.MissingTranslations.All.Count == 0, "Untranslated:\n" + string.Join("\n", host.MissingTranslations.All));
    }

    private async Task<Browser> SignedInAsync(string email, string password, string language = "en-US")
    {
        var browser = new Browser(host.BaseAddress);
        browser.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        var response = await browser.SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return browser;
    }

    private IEnumerable<PageRoute> Pages()
    {
        var endpoints = host.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints)
        {
            var metadata = endpoint.Metadata;
            var isComponent = metadata.GetMetadata<ComponentTypeMetadata>() is not null;
            var tenantPage = metadata.GetMetadata<TenantPageAttribute>();
            if (!isComponent && tenantPage is null) continue;
            if (metadata.GetMetadata<IHttpMethodMetadata>() is { } methods && !methods.HttpMethods.Contains(HttpMethods.Get)) continue;
            var policies = metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).ToList();
            yield return new PageRoute(
                "/" + endpoint.RoutePattern.RawText!.TrimStart('/'),
                Anonymous: metadata.GetMetadata<IAllowAnonymous>() is not null && policies.Count == 0,
                OperatorOnly: policies.Contains(AuthorizationPolicies.PlatformOperatorPage),
                Permission: tenantPage?.Permission);
        }
    }

    private sealed record PageRoute(string Template, bool Anonymous, bool OperatorOnly, TenantPermission? Permission)
    {
        public bool HasOnlyTenantParameter => Template.Replace("{tenantId}", "", StringComparison.OrdinalIgnoreCase).IndexOf('{') < 0;

        /// <summary>The template with the tenant's id, and <c>none</c> for any other parameter (its page answers 404 for it).</summary>
        public string Path(string tenantId) =>
            System.Text.RegularExpressions.Regex.Replace(
                Template.Replace("{tenantId}", Uri.EscapeDataString(tenantId), StringComparison.OrdinalIgnoreCase), "{[^}]+}", "none");
    }
}
