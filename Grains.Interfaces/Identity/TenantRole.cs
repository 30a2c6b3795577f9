namespace Tollgate.Grains.Identity;

public enum TenantRole { Owner, Admin, Billing, Member }
