using System.ComponentModel.DataAnnotations;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;

namespace Tollgate.Api;

public sealed record RegisterRequest([property: Required] string? Email, [property: Required] string? Password, string? Name, string? TenantName);
public sealed record LoginRequest([property: Required] string? Email, [property: Required] string? Password);
public sealed record RefreshRequest([property: Required] string? RefreshToken);
public sealed record UserSummary(string Id, string Email, string Name);
public sealed record TenantSummary(string Id, string Name);
public sealed record RegisterResponse(UserSummary User, TenantSummary Tenant, string AccessToken, string RefreshToken, int ExpiresIn);

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/auth").WithTags("Auth").AllowAnonymous();
        api.MapPost("/register", RegisterAsync)
            .WithName("Register").WithSummary("Create an account, with a tenant of its own")
            .RequireRateLimiting(RateLimitOptions.AuthPolicy)
            .AnswersProblem(StatusCodes.Status409Conflict, "An account with this email exists (`email_taken`).");
        api.MapPost("/login", LoginAsync)
            .WithName("Login").WithSummary("Log in with email and password")
            .RequireRateLimiting(RateLimitOptions.AuthPolicy)
            .AnswersProblem(StatusCodes.Status401Unauthorized, "The email or password is wrong (`invalid_credentials`).")
            .AnswersProblem(StatusCodes.Status403Forbidden, "The platform operator disabled this account (`account_disabled`).")
            .AnswersProblem(StatusCodes.Status429TooManyRequests,
                "Too many requests from this address (`rate_limited`), or too many failed logins for this email (`too_many_attempts`); "
                + "try again after `Retry-After` seconds.");
        api.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshTokens").WithSummary("Trade a refresh token for new tokens")
            .RequireRateLimiting(RateLimitOptions.AuthPolicy)
            .AnswersProblem(StatusCodes.Status401Unauthorized,
                "The refresh token is unknown, already used, or its login ended or its account is disabled (`invalid_refresh_token`).");
        api.MapPost("/logout", LogoutAsync)
            .WithName("Logout").WithSummary("End the login a refresh token belongs to");
        return app;
    }

    private static async Task<Results<Created<RegisterResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, HttpContext http, IGrainFactory grains, Sessions sessions)
    {
        var inputs = new Inputs();
        if (ReadRegistration(inputs, request) is not { } registration) return inputs.Problem();
        var account = await CreateAccountAsync(grains, registration, http);
        if (account is null) return Problems.Conflict("email_taken", EmailTaken);

        var tokens = await sessions.StartAsync(account.User.Id, http.Actor());
        return TypedResults.Created("/v1/me", new RegisterResponse(
            new UserSummary(account.User.Id, account.User.Email, account.User.Name),
            new TenantSummary(account.Tenant.Id, account.Tenant.Name),
            tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresIn));
    }

    internal const string EmailTaken = "An account with this email already exists.";

    /// <summary>The account a registration asks for (the register page reads it the same way), or null with the problems in
    /// <paramref name="inputs"/>.</summary>
    internal static Registration? ReadRegistration(Inputs inputs, RegisterRequest request)
    {
        var email = inputs.Email("email", request.Email);
        var password = inputs.Password("password", request.Password, email);
        var name = inputs.Text("name", request.Name, required: false);
        var tenantName = inputs.Text("tenantName", request.TenantName, required: false);
        if (!inputs.IsValid) return null;
        name ??= email![..email!.IndexOf('@')];
        return new Registration(email!, password!, name, tenantName ?? $"{name}'s workspace");
    }

    /// <summary>Creates the account and its tenant; null when the email has an account already.</summary>
    internal static Task<RegisteredAccount?> CreateAccountAsync(IGrainFactory grains, Registration registration, HttpContext http) =>
        grains.GetGrain<IEmailAccountGrain>(registration.Email).Register(registration, http.Actor());

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, Sessions sessions)
    {
        var inputs = new Inputs();
        if (string.IsNullOrWhiteSpace(request.Email)) inputs.Fail("email", "Email is required.");
        if (string.IsNullOrEmpty(request.Password)) inputs.Fail("password", "Password is required.");
        if (!inputs.IsValid) return inputs.Problem();

        switch (await sessions.CheckPasswordAsync(request.Email!, request.Password!))
        {
            case LoginResult.Success success:
                return TypedResults.Ok(await sessions.StartAsync(success.UserId, http.Actor()));
            case LoginResult.Disabled:
                return Problems.Create(StatusCodes.Status403Forbidden, "account_disabled", "Account disabled",
                    "This account has been disabled by the platform operator.");
            case LoginResult.LockedOut locked:
                var seconds = (int)Math.Ceiling(locked.RetryAfter.TotalSeconds);
                http.Response.Headers.RetryAfter = seconds.ToString();
                return Problems.Create(StatusCodes.Status429TooManyRequests, "too_many_attempts", "Too many failed logins",
                    $"Too many failed logins for this email. Try again in {seconds} seconds.");
            default:
                return Problems.Unauthorized("invalid_credentials", "The email or password is wrong.");
        }
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, HttpContext http, IGrainFactory grains, Sessions sessions)
    {
        if (RefreshToken.Parse(request.RefreshToken) is not { } token) return Problems.Field("refreshToken", "A refresh token is required.");
        var refused = Problems.Unauthorized("invalid_refresh_token", "The refresh token is not valid.");
        if (await grains.GetGrain<ISessionGrain>(token.SessionId).Refresh(token.Secret, http.Actor()) is not RefreshResult.Rotated rotated) return refused;
        var user = await grains.GetGrain<IUserGrain>(rotated.UserId).GetProfile();
        if (user is null || user.Disabled)
        {
            await grains.GetGrain<ISessionGrain>(token.SessionId).Revoke();
            return refused;
        }
        return TypedResults.Ok(sessions.Pair(rotated.UserId, rotated.Token));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(
        RefreshRequest request, HttpContext http, IGrainFactory grains)
    {
        if (RefreshToken.Parse(request.RefreshToken) is not { } token) return Problems.Field("refreshToken", "A refresh token is required.");
        await grains.GetGrain<ISessionGrain>(token.SessionId).Logout(token.Secret, http.Actor());
        return TypedResults.NoContent();
    }
}
