namespace Tollgate.Grains.Billing;

public enum PaymentOutcome { Succeeded, Failed, ActionRequired }
