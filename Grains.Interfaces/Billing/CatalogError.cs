namespace Tollgate.Grains.Billing;

public enum CatalogError { None, NotFound, Conflict, Invalid }
