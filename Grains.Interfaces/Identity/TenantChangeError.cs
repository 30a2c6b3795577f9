namespace Tollgate.Grains.Identity;

/// <summary>Why a tenant change was refused; the API maps each to a status code.</summary>
public enum TenantChangeError { None, NotFound, Forbidden, Conflict }
