using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Storage.Email;
using Tollgate.Storage.Hosting;

namespace Tollgate.Api.Email;

/// <summary>
/// Each silo's sender: claims the emails due in the outbox (a claim is one silo's for its lease), sends them,
/// and marks each sent or due again after a delay that doubles with every failure. A message sent but not marked
/// (the silo died in between) goes again when the lease ends: at least once, never lost. A silo that is stopping hands
/// back what it claimed and has not sent, so another silo (or the restarted one) sends it at once, not when the lease ends.
/// </summary>
public sealed class EmailOutboxSender(
    EmailOutbox outbox, IEmailSender sender, AccountEmailWriter writer, IOptions<EmailOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock, ILogger<EmailOutboxSender> logger)
    : PeriodicService(options.Value.Outbox.PollInterval, logger)
{
    private const int Batch = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override string Work => "Sending the email outbox";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<OutboxEmail> claimed;
        do
        {
            var now = clock.GetUtcNow(); // rows are due at Tollgate's time, the time of the records that wrote them
            claimed = await outbox.ClaimAsync(now, now + Lease, Batch, stoppingToken);
            foreach (var email in claimed)
            {
                if (stoppingToken.IsCancellationRequested) await outbox.ReleaseAsync(email, CancellationToken.None);
                else await SendAsync(email, stoppingToken);
            }
        }
        while (claimed.Count == Batch);
    }

    private async Task SendAsync(OutboxEmail email, CancellationToken stoppingToken)
    {
        EmailMessage message;
        try
        {
            message = writer.Write(AccountEmail.Read(email.Payload) ?? throw new FormatException("The outbox row holds no email."));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or System.Text.Json.JsonException)
        {
            // Unreadable here for good (its Data Protection key is not this silo's, or lost): trying again cannot help.
            logger.LogError(exception, "Email {Grain}/{Sequence} cannot be read and is given up", email.GrainId, email.GrainSeq);
            await outbox.CompleteAsync(email, "unreadable", clock.GetUtcNow(), CancellationToken.None);
            return;
        }
        try
        {
            await sender.SendAsync(message, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.Value.Outbox;
            if (email.Attempt >= settings.MaxAttempts)
            {
                logger.LogError(exception, "Email to {To} failed {Attempts} times and is given up", message.To, email.Attempt);
                await outbox.CompleteAsync(email, "abandoned", clock.GetUtcNow(), CancellationToken.None);
                return;
            }
            var delay = TimeSpan.FromTicks(Math.Min(settings.MaxRetryDelay.Ticks,
                settings.FirstRetryDelay.Ticks * (long)Math.Pow(2, Math.Min(email.Attempt - 1, 30))));
            logger.LogWarning(exception, "Email to {To} failed (attempt {Attempt}); trying again in {Delay}", message.To, email.Attempt, delay);
            await outbox.RetryAsync(email, clock.GetUtcNow() + delay, CancellationToken.None);
            return;
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping mid-send: due again now rather than when the lease ends (it may have gone out: at least once).
            await outbox.RetryAsync(email, clock.GetUtcNow(), CancellationToken.None);
            return;
        }
        await outbox.CompleteAsync(email, "sent", clock.GetUtcNow(), CancellationToken.None);
    }
}
