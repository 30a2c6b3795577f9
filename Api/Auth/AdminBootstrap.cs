using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Auth;

/// <summary>
/// Creates the platform operator from <c>Admin:Email</c> / <c>Admin:Password</c> at start-up.
/// Idempotent: an existing account keeps its password and is made an operator.
/// </summary>
public sealed class AdminBootstrap(IOptions<AdminOptions> options, IGrainFactory grains, ILogger<AdminBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        if (string.IsNullOrWhiteSpace(admin.Email) && string.IsNullOrEmpty(admin.Password)) return;
        // Valid by now (AuthOptionsValidation, checked before the silo starts): this only normalizes the email.
        var email = new Inputs().Email("Admin:Email", admin.Email)!;
        var password = admin.Password!;

        var account = grains.GetGrain<IEmailAccountGrain>(email);
        var userId = await account.GetUserId()
            ?? (await account.Register(new Registration(email, password, "Platform operator", "Platform", EmailVerified: true), AuditActor.System))?.User.Id
            ?? await account.GetUserId();
        await grains.GetGrain<IUserGrain>(userId!).GrantOperator(AuditActor.System);
        logger.LogInformation("Platform operator {Email} is ready", email);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
