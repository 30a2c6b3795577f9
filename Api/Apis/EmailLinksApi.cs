using System.ComponentModel.DataAnnotations;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;

namespace Tollgate.Api;

public sealed record VerifyEmailRequest([property: Required] string? Token);
public sealed record PasswordResetRequest([property: Required] string? Email);
public sealed record PasswordResetConfirmRequest([property: Required] string? Token, [property: Required] string? NewPassword);

/// <summary>
/// What the emailed links do: verify an address, and reset a forgotten password. A link's token is
/// "usr_….secret" (see LinkToken); a token that is malformed, unknown, used, replaced, expired or has seen
/// too many wrong tries is one answer, 400 <c>invalid_token</c>, so no token tells more than another.
/// </summary>
public static class EmailLinksApi
{
    public static IEndpointRouteBuilder MapEmailLinksApi(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/v1/auth").WithTags("Auth").AllowAnonymous().RequireRateLimiting(RateLimitOptions.AuthPolicy);
        links.MapPost("/verify-email", VerifyAsync)
            .WithName("VerifyEmail").WithSummary("Prove an email address with the token of its verification link")
            .AnswersProblem(StatusCodes.Status400BadRequest, "The link is not valid: used, replaced, expired or made up (`invalid_token`).")
            .AnswersProblem(StatusCodes.Status409Conflict, "An address that looks the same was verified first (`email_taken`).");
        links.MapPost("/password-reset", RequestResetAsync)
            .WithName("RequestPasswordReset").WithSummary("Email a password reset link, if the address has an account");
        links.MapPost("/password-reset/confirm", ResetAsync)
            .WithName("ResetPassword").WithSummary("Set a new password with the token of a reset link, ending every login")
            .AnswersProblem(StatusCodes.Status400BadRequest,
                "The link is not valid (`invalid_token`), or the new password breaks a rule (`validation_failed`).");

        app.MapPost("/v1/auth/verify-email/resend", ResendAsync).WithTags("Auth")
            .RequireAuthorization(AuthorizationPolicies.User).RequireRateLimiting(RateLimitOptions.AuthPolicy)
            .WithName("ResendVerificationEmail").WithSummary("Email a new verification link, replacing the last")
            .AnswersProblem(StatusCodes.Status409Conflict, "Your email address is verified already (`email_already_verified`).");
        return app;
    }

    public static ProblemHttpResult InvalidToken() =>
        Problems.Create(StatusCodes.Status400BadRequest, "invalid_token", "Invalid link",
            "This link is not valid: it was used already, replaced by a newer one, or has expired. Ask for a new one.");

    public static ProblemHttpResult LookAlikeTaken() =>
        Problems.Conflict("email_taken", "An account with an address that looks the same as this one was verified first.");

    private static async Task<Results<NoContent, ProblemHttpResult>> VerifyAsync(
        VerifyEmailRequest request, HttpContext http, IGrainFactory grains)
    {
        if (string.IsNullOrEmpty(request.Token)) return Problems.Field("token", "A token is required.");
        return await VerifyTokenAsync(request.Token, http, grains) switch
        {
            EmailLinkResult.Done => TypedResults.NoContent(),
            EmailLinkResult.LookAlikeTaken => LookAlikeTaken(),
            _ => InvalidToken(),
        };
    }

    /// <summary>Follows a verification link for its user (the one acting: whoever holds the link holds the mailbox).</summary>
    public static async Task<EmailLinkResult> VerifyTokenAsync(string? text, HttpContext http, IGrainFactory grains) =>
        LinkToken.Parse(text) is { } token
            ? await grains.GetGrain<IUserGrain>(token.UserId).VerifyEmail(token.Secret, http.Actor() with { Type = "user", Id = token.UserId })
            : EmailLinkResult.Invalid;

    private static async Task<Results<Accepted, ProblemHttpResult>> ResendAsync(HttpContext http, IGrainFactory grains)
    {
        var user = grains.GetGrain<IUserGrain>(http.User.UserId()!);
        return await user.ResendVerification(http.Actor())
            ? TypedResults.Accepted((string?)null)
            : Problems.Conflict("email_already_verified", "Your email address is verified already.");
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> RequestResetAsync(
        PasswordResetRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var email = inputs.Email("email", request.Email);
        if (!inputs.IsValid) return inputs.Problem();
        // One-way: answered before the grain looks, so an address with an account takes as long as one without.
        await grains.GetGrain<IEmailAccountGrain>(email!).RequestPasswordReset(http.Actor());
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetAsync(
        PasswordResetConfirmRequest request, HttpContext http, IGrainFactory grains)
    {
        if (string.IsNullOrEmpty(request.Token)) return Problems.Field("token", "A token is required.");
        return await ResetWithTokenAsync(request.Token, request.NewPassword, http, grains) switch
        {
            null => TypedResults.NoContent(),
            { } problem => problem,
        };
    }

    /// <summary>Null when the password was reset; else the problem: an invalid token, or a new password that is not allowed.</summary>
    public static async Task<ProblemHttpResult?> ResetWithTokenAsync(string? text, string? newPassword, HttpContext http, IGrainFactory grains)
    {
        if (LinkToken.Parse(text) is not { } token) return InvalidToken();
        var user = grains.GetGrain<IUserGrain>(token.UserId);
        var inputs = new Inputs();
        // The password rules name the email, so the user is read first; an unknown one is the same invalid token.
        var password = inputs.Password("newPassword", newPassword, (await user.GetProfile())?.Email);
        if (!inputs.IsValid) return inputs.Problem();
        return await user.ResetPassword(token.Secret, password!, http.Actor() with { Type = "user", Id = token.UserId }) == EmailLinkResult.Done
            ? null
            : InvalidToken();
    }
}
