namespace Tollgate.Api.OpenApi;

/// <summary>Bound from the <c>OpenApi</c> section.</summary>
public sealed class OpenApiDocumentOptions
{
    public const string SectionName = "OpenApi";

    /// <summary>
    /// The address clients reach Tollgate at (<c>https://billing.example.com</c>), listed as the document's
    /// server. Unset, the document names the relative server <c>/</c>: wherever it was fetched from.
    /// </summary>
    public string? ServerUrl { get; set; }

    /// <summary>Serve the browsable reference at <c>/docs</c> outside Development too.</summary>
    public bool Ui { get; set; }
}
