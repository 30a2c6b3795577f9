namespace Tollgate.Grains.Alerts;

public enum ThresholdChange { None, Raised, Resolved }
