namespace Tollgate.Api.Email;

/// <summary>A plain-text message to one recipient; <paramref name="Link"/> is the link its text carries.</summary>
public sealed record EmailMessage(string To, string Subject, string Text, string Link);
