using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tollgate.Api.Auth;

/// <summary>
/// Issues and describes the validation of access tokens: HS256 JWTs living 15 minutes. The key is
/// <c>Auth:SigningKey</c> or, when unset, one generated once and kept by the platform so tokens
/// survive restarts, encrypted with ASP.NET Core Data Protection so the database alone cannot forge
/// tokens. It is loaded when the silo starts, before requests are served.
/// </summary>
public sealed class AccessTokens(
    IOptions<AuthOptions> options, IGrainFactory grains, IDataProtectionProvider dataProtection, ILogger<AccessTokens> logger,
    [FromKeyedServices(DomainClock.Key)] TimeProvider timeProvider) : IHostedService
{
    /// <summary>The Data Protection purpose of the stored signing key; changing it makes the stored key unreadable.</summary>
    public const string SigningKeyPurpose = "Tollgate.Auth.JwtSigningKey.v1";
    public const string SigningKeySecret = "jwt-signing-key";

    public const string Issuer = "tollgate";
    public const string Audience = "tollgate";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly JsonWebTokenHandler _handler = new();
    private SymmetricSecurityKey? _key;

    public SymmetricSecurityKey Key => _key ?? throw new InvalidOperationException("The signing key is not loaded yet.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.SigningKey;
        var bytes = string.IsNullOrEmpty(configured) ? await KeptSigningKeyAsync() : Encoding.UTF8.GetBytes(configured);
        _key = new SymmetricSecurityKey(bytes) { KeyId = "tollgate" };
    }

    private Task<byte[]> KeptSigningKeyAsync() => KeptSecret.LoadAsync(grains, dataProtection, SigningKeySecret, SigningKeyPurpose, 64, logger);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public (string Token, int ExpiresIn) Issue(string userId, string sessionId)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId), new Claim(JwtRegisteredClaimNames.Sid, sessionId)]),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, (int)Lifetime.TotalSeconds);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        IssuerSigningKeyResolver = (_, _, _, _) => [Key],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = JwtRegisteredClaimNames.Sub,
    };
}
