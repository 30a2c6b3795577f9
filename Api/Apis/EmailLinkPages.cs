using Microsoft.AspNetCore.Antiforgery;
using Tollgate.Api.Auth;
using Tollgate.Api.Pages;

namespace Tollgate.Api;

/// <summary>
/// Where the emailed links land: <c>/verify-email?token=</c> and <c>/reset-password?token=</c>. Opening a link
/// changes nothing (mail scanners open links too); its page posts the token back with a button, and the post
/// does what <c>POST /v1/auth/verify-email</c> and <c>/v1/auth/password-reset/confirm</c> do.
/// </summary>
public static class EmailLinkPages
{
    public const string VerifyPath = "/verify-email";
    public const string ResetPath = "/reset-password";

    public static IEndpointRouteBuilder MapEmailLinkPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").WithTags("Pages").ExcludeFromDescription().AllowAnonymous();
        pages.MapGet(VerifyPath, (HttpContext http, IAntiforgery antiforgery, string? token) => VerifyForm(http, antiforgery, token));
        pages.MapPost(VerifyPath, VerifyAsync).RequireRateLimiting(RateLimitOptions.AuthPolicy);
        pages.MapGet(ResetPath, (HttpContext http, IAntiforgery antiforgery, string? token) =>
            ResetForm(http, antiforgery, StatusCodes.Status200OK, token, error: null));
        pages.MapPost(ResetPath, ResetAsync).RequireRateLimiting(RateLimitOptions.AuthPolicy);
        return app;
    }

    private static IResult VerifyForm(HttpContext http, IAntiforgery antiforgery, string? token) =>
        HtmlPage.Result(StatusCodes.Status200OK, "Verify your email",
            "<p>Confirm that this email address is yours.</p>" + Form(http, antiforgery, VerifyPath, token, "") +
            "<button type=\"submit\">Verify</button></form>");

    private static async Task<IResult> VerifyAsync(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return Expired("Verify your email");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        return await EmailLinksApi.VerifyTokenAsync(form["token"], http, grains) switch
        {
            EmailLinkResult.Done => HtmlPage.Result(StatusCodes.Status200OK, "Email verified",
                "<p>Your email address is verified. You can close this page.</p>"),
            EmailLinkResult.LookAlikeTaken => HtmlPage.Result(StatusCodes.Status409Conflict, "Verify your email",
                $"<p class=\"error\" role=\"alert\">{HtmlPage.Encode(EmailLinksApi.LookAlikeTaken().ProblemDetails.Detail)}</p>"),
            _ => HtmlPage.Result(StatusCodes.Status400BadRequest, "Verify your email",
                $"<p class=\"error\" role=\"alert\">{HtmlPage.Encode(EmailLinksApi.InvalidToken().ProblemDetails.Detail)}</p>"),
        };
    }

    private static async Task<IResult> ResetAsync(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return Expired("Choose a new password");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var problem = await EmailLinksApi.ResetWithTokenAsync(form["token"], form["newPassword"], http, grains);
        if (problem is null)
            return HtmlPage.Result(StatusCodes.Status200OK, "Password changed",
                "<p>Your password is changed and every login of your account has ended. Sign in again with the new password.</p>");
        var error = problem.ProblemDetails is Microsoft.AspNetCore.Http.HttpValidationProblemDetails validation
            ? string.Join(" ", validation.Errors.Values.SelectMany(messages => messages))
            : problem.ProblemDetails.Detail;
        return ResetForm(http, antiforgery, problem.StatusCode, form["token"], error);
    }

    private static IResult ResetForm(HttpContext http, IAntiforgery antiforgery, int status, string? token, string? error) =>
        HtmlPage.Result(status, "Choose a new password",
            (error is null ? "" : $"<p class=\"error\" role=\"alert\">{HtmlPage.Encode(error)}</p>") +
            Form(http, antiforgery, ResetPath, token,
                "<label>New password<input type=\"password\" name=\"newPassword\" autocomplete=\"new-password\" minlength=\"12\" required></label>") +
            "<button type=\"submit\">Set password</button></form>");

    /// <summary>The opening of a form that posts the token back with its antiforgery token, and <paramref name="fields"/>.</summary>
    private static string Form(HttpContext http, IAntiforgery antiforgery, string path, string? token, string fields)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"<form method=\"post\" action=\"{path}\">" +
            $"<input type=\"hidden\" name=\"{HtmlPage.Encode(tokens.FormFieldName)}\" value=\"{HtmlPage.Encode(tokens.RequestToken)}\">" +
            $"<input type=\"hidden\" name=\"token\" value=\"{HtmlPage.Encode(token)}\">" + fields;
    }

    private static IResult Expired(string title) =>
        HtmlPage.Result(StatusCodes.Status400BadRequest, title,
            "<p class=\"error\" role=\"alert\">The form expired or did not come from this site. Open the link from the email again.</p>");
}
