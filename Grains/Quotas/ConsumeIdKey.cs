using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Quotas;

/// <summary>
/// The silo's <see cref="ConsumeIdCodec"/>, keyed by a secret every silo shares: generated once and
/// kept like the JWT signing key (<see cref="KeptSecret"/>), so an id stays valid through any silo
/// and across restarts. Read on first use; a failed read is not kept, the next use asks again.
/// </summary>
public sealed class ConsumeIdKey(IGrainFactory grains, IDataProtectionProvider dataProtection, ILogger<ConsumeIdKey> logger)
{
    public const string SecretName = "consume-id-key";
    public const string Purpose = "Tollgate.Quotas.ConsumeIdKey.v1";

    private Task<byte[]>? _secret;
    private ConsumeIdCodec? _codec;

    public async Task<ConsumeIdCodec> CodecAsync() => _codec ??= new(await SecretAsync());

    /// <summary>
    /// The secret itself, for the wallet's spend and reservation ids: their prefixes keep each kind
    /// of id from reading as another (<see cref="SignedIdCodec"/>).
    /// </summary>
    public Task<byte[]> SecretAsync()
    {
        var secret = _secret ??= KeptSecret.LoadAsync(grains, dataProtection, SecretName, Purpose, 32, logger);
        if (secret.IsFaulted) Interlocked.CompareExchange(ref _secret, null, secret);
        return secret;
    }
}
