using Tollgate.Testing;

namespace Tollgate.Api.Tests.Contract;

/// <summary>
/// The requests the contract test sends, by operation id: for every operation of the document at least one
/// that succeeds and, when the document lists a 4xx for it, one that is refused. Cases run in this order on one world, so a case that uses
/// something up makes its own (a fresh account, key or consume). Besides these, every operation that needs
/// credentials is called without any (401), and every JSON body is sent as text, as broken JSON and over 1 MB
/// (415, 400, 413).
/// To cover a new route, add its lines here; <c>ContractTests</c> fails until every operation has both kinds.
/// </summary>
public static class ContractCases
{
    private const string Quota = ContractWorld.Quota;

    public static IReadOnlyList<ContractCase> All { get; } =
    [
        // ---- Auth ----
        Case("Register", "a new email", 201, w => ContractRequest.Anonymous
            .Json(new { email = w.FreshEmail(), password = "correct-horse-battery" })),
        Case("Register", "an email that has an account", 409, w => ContractRequest.Anonymous
            .Json(new { email = w.Owner.Email, password = "correct-horse-battery" })),
        Case("Register", "not an email", 400, w => ContractRequest.Anonymous.Json(new { email = "nobody", password = "correct-horse-battery" })),
        Case("Login", "the right password", 200, w => ContractRequest.Anonymous
            .Json(new { email = w.Owner.Email, password = w.Owner.Password })),
        Case("Login", "a wrong password", 401, w => ContractRequest.Anonymous.Json(new { email = w.Owner.Email, password = "wrong-password" })),
        Case("Login", "a disabled account", 403, async w =>
        {
            var account = await w.NewAccountAsync();
            await w.DisableAsync(account.UserId);
            return ContractRequest.Anonymous.Json(new { email = account.Email, password = account.Password });
        }),
        Case("Login", "a locked-out email", 429, async w =>
        {
            var account = await w.NewAccountAsync();
            await w.LockOutAsync(account);
            return ContractRequest.Anonymous.Json(new { email = account.Email, password = account.Password });
        }, "Retry-After"),
        Case("Login", "no password", 400, w => ContractRequest.Anonymous.Json(new { email = w.Owner.Email })),
        Case("RefreshTokens", "a live refresh token", 200, async w => ContractRequest.Anonymous
            .Json(new { refreshToken = await w.NewRefreshTokenAsync() })),
        Case("RefreshTokens", "a refresh token already used", 401, async w =>
        {
            var token = await w.NewRefreshTokenAsync();
            await w.SendAsync("RefreshTokens", ContractRequest.Anonymous.Json(new { refreshToken = token }));
            return ContractRequest.Anonymous.Json(new { refreshToken = token });
        }),
        Case("RefreshTokens", "no token", 400, _ => ContractRequest.Anonymous.Json(new { })),
        Case("Logout", "a live refresh token", 204, async w => ContractRequest.Anonymous
            .Json(new { refreshToken = await w.NewRefreshTokenAsync() })),
        Case("Logout", "not a refresh token", 400, _ => ContractRequest.Anonymous.Json(new { refreshToken = "nonsense" })),
        Case("VerifyEmail", "the token of a verification link", 204, async w =>
        {
            var account = await w.NewAccountAsync();
            return ContractRequest.Anonymous.Json(new { token = await w.LinkTokenAsync(account, "verify") });
        }),
        Case("VerifyEmail", "a made-up token", 400, _ => ContractRequest.Anonymous.Json(new { token = "usr_nothing.secret" })),
        Case("ResendVerificationEmail", "an unverified person", 202, async w => ContractRequest.Bearer((await w.NewAccountAsync()).AccessToken)),
        Case("ResendVerificationEmail", "a verified person", 409, w => w.AsOwner),
        Case("RequestPasswordReset", "an email, with or without an account", 202, w => ContractRequest.Anonymous.Json(new { email = w.FreshEmail() })),
        Case("RequestPasswordReset", "not an email", 400, _ => ContractRequest.Anonymous.Json(new { email = "nobody" })),
        Case("ResetPassword", "the token of a reset link", 204, async w =>
        {
            var account = await w.NewAccountAsync();
            await w.SendAsync("RequestPasswordReset", ContractRequest.Anonymous.Json(new { email = account.Email }));
            var token = await w.LinkTokenAsync(account, "password", count: 2);
            return ContractRequest.Anonymous.Json(new { token, newPassword = "a-brand-new-password" });
        }),
        Case("ResetPassword", "a made-up token", 400, _ => ContractRequest.Anonymous
            .Json(new { token = "usr_nothing.secret", newPassword = "a-brand-new-password" })),

        // ---- Me ----
        Case("GetMe", "a person", 200, w => w.AsOwner),
        Case("GetMe", "an API key", 403, w => w.AsApp),
        Case("UpdateMe", "a new name", 200, w => w.AsOwner.Json(new { name = "Owner" })),
        Case("UpdateMe", "an empty name", 400, w => w.AsOwner.Json(new { name = "" })),
        Case("ChangePassword", "the right current password", 204, async w =>
        {
            var account = await w.NewAccountAsync();
            return ContractRequest.Bearer(account.AccessToken).Json(new { currentPassword = account.Password, newPassword = "another-long-password" });
        }),
        Case("ChangePassword", "a wrong current password", 400, w => w.AsOwner
            .Json(new { currentPassword = "wrong", newPassword = "another-long-password" })),
        Case("ListMyInvitations", "a person", 200, w => w.AsOwner),
        Case("ListMyInvitations", "an API key", 403, w => w.AsApp),
        Case("ListMyInvitations", "a person whose email is not verified", 403, async w => ContractRequest.Bearer((await w.NewAccountAsync()).AccessToken)),
        Case("AcceptInvitation", "an invitation to you", 200, async w =>
        {
            var account = await w.NewVerifiedAccountAsync();
            return ContractRequest.Bearer(account.AccessToken).At(new { invitationId = await w.InviteAsync(account.Email) });
        }),
        Case("AcceptInvitation", "someone else's invitation", 404, async w => w.AsOutsider.At(new { invitationId = await w.InviteAsync(w.FreshEmail()) })),
        Case("DeclineInvitation", "an invitation to you", 204, async w =>
        {
            var account = await w.NewVerifiedAccountAsync();
            return ContractRequest.Bearer(account.AccessToken).At(new { invitationId = await w.InviteAsync(account.Email) });
        }),
        Case("DeclineInvitation", "no such invitation", 404, w => w.AsOwner.At(new { invitationId = "inv_nothing" })),

        // ---- Tenants, members, invitations, API keys ----
        Case("CreateTenant", "a name", 201, w => w.AsOutsider.Json(new { name = "Second" })),
        Case("CreateTenant", "no name", 400, w => w.AsOutsider.Json(new { name = "" })),
        Case("CreateTenant", "an API key", 403, w => w.AsApp.Json(new { name = "Second" })),
        Case("GetTenant", "its owner", 200, w => w.AsOwnerOfTenant),
        Case("GetTenant", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("UpdateTenant", "a new name", 200, w => w.AsOwnerOfTenant.Json(new { name = "Contract" })),
        Case("UpdateTenant", "not an email", 400, w => w.AsOwnerOfTenant.Json(new { settings = new { billingEmail = "nobody" } })),
        Case("UpdateTenant", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId }).Json(new { name = "Mine" })),
        Case("ListMembers", "a member", 200, w => w.AsMember.At(new { tenantId = w.TenantId })),
        Case("ListMembers", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("ChangeMemberRole", "a member's role", 200, w => w.AsOwner.At(new { tenantId = w.TenantId, userId = w.Member.UserId })
            .Json(new { role = "member" })),
        Case("ChangeMemberRole", "the last owner's", 409, w => w.AsOwner.At(new { tenantId = w.TenantId, userId = w.Owner.UserId })
            .Json(new { role = "admin" })),
        Case("ChangeMemberRole", "no such role", 400, w => w.AsOwner.At(new { tenantId = w.TenantId, userId = w.Member.UserId })
            .Json(new { role = "emperor" })),
        Case("RemoveMember", "a member", 204, async w => w.AsOwner.At(new { tenantId = w.TenantId, userId = (await w.NewMemberAsync()).UserId })),
        Case("RemoveMember", "the last owner", 409, w => w.AsOwner.At(new { tenantId = w.TenantId, userId = w.Owner.UserId })),
        Case("RemoveMember", "no such member", 404, w => w.AsOwner.At(new { tenantId = w.TenantId, userId = "usr_nobody" })),
        Case("InviteMember", "a new email", 201, w => w.AsOwnerOfTenant.Json(new { email = w.FreshEmail(), role = "member" })),
        Case("InviteMember", "a member's email", 409, w => w.AsOwnerOfTenant.Json(new { email = w.Member.Email, role = "member" })),
        Case("InviteMember", "no such role", 400, w => w.AsOwnerOfTenant.Json(new { email = w.FreshEmail(), role = "emperor" })),
        Case("ListInvitations", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("ListInvitations", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })),
        Case("RevokeInvitation", "a pending invitation", 204, async w =>
            w.AsOwner.At(new { tenantId = w.TenantId, invitationId = await w.InviteAsync(w.FreshEmail()) })),
        Case("RevokeInvitation", "no such invitation", 404, w => w.AsOwner.At(new { tenantId = w.TenantId, invitationId = "inv_nothing" })),
        Case("CreateApiKey", "a name and scopes", 201, w => w.AsOwnerOfTenant.Json(new { name = "ci", scopes = new[] { "quota:read" } })),
        Case("CreateApiKey", "an unknown scope", 400, w => w.AsOwnerOfTenant.Json(new { name = "ci", scopes = new[] { "everything" } })),
        Case("CreateApiKey", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })
            .Json(new { name = "ci", scopes = new[] { "quota:read" } })),
        Case("ListApiKeys", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("ListApiKeys", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("RevokeApiKey", "a live key", 204, async w => w.AsOwner.At(new { tenantId = w.TenantId, keyId = await w.NewApiKeyIdAsync() })),
        Case("RevokeApiKey", "no such key", 404, w => w.AsOwner.At(new { tenantId = w.TenantId, keyId = "key_nothing" })),
        Case("CreatePlatformApiKey", "a name and scopes", 201, w => w.AsOperator
            .Json(new { name = "proxy", scopes = new[] { "quota:read" } })),
        Case("CreatePlatformApiKey", "an unknown scope", 400, w => w.AsOperator
            .Json(new { name = "proxy", scopes = new[] { "everything" } })),
        Case("CreatePlatformApiKey", "a tenant's owner", 403, w => w.AsOwner.Json(new { name = "proxy", scopes = new[] { "quota:read" } })),
        Case("ListPlatformApiKeys", "an operator", 200, w => w.AsOperator),
        Case("ListPlatformApiKeys", "a platform key", 403, w => w.AsPlatformApp),
        Case("RevokePlatformApiKey", "a live key", 204, async w => w.AsOperator.At(new { keyId = await w.NewPlatformApiKeyIdAsync() })),
        Case("RevokePlatformApiKey", "no such key", 404, w => w.AsOperator.At(new { keyId = "pkey_nothing" })),
        Case("RevokePlatformApiKey", "a tenant's owner", 403, w => w.AsOwner.At(new { keyId = "pkey_nothing" })),

        // ---- Audit log and usage ----
        Case("GetTenantAuditLog", "JSON", 200, w => w.AsOwnerOfTenant),
        Case("GetTenantAuditLog", "CSV", 200, w => w.AsOwnerOfTenant.Query("format=csv")),
        Case("GetTenantAuditLog", "a limit of 0", 400, w => w.AsOwnerOfTenant.Query("limit=0")),
        Case("GetTenantAuditLog", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })),
        Case("GetPlatformAuditLog", "JSON", 200, w => w.AsOperator.Query($"tenantId={w.TenantId}")),
        Case("GetPlatformAuditLog", "CSV", 200, w => w.AsOperator.Query("format=csv")),
        Case("GetPlatformAuditLog", "an unknown format", 400, w => w.AsOperator.Query("format=xml")),
        Case("GetPlatformAuditLog", "not an operator", 403, w => w.AsOwner),
        Case("GetUsage", "JSON", 200, w => w.AsOwnerOfTenant.Query("groupBy=month")),
        Case("GetUsage", "CSV", 200, w => w.AsOwnerOfTenant.Query("format=csv")),
        Case("GetUsage", "an unknown grouping", 400, w => w.AsOwnerOfTenant.Query("groupBy=week")),
        Case("GetUsage", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("GetUsage", "an API key that may read quota", 200, w => w.AsApp.At(new { tenantId = w.TenantId })),
        Case("GetUsage", "an API key that may not", 403, w => w.AsCreditsApp.At(new { tenantId = w.TenantId })),
        Case("GetUsage", "a platform key", 200, w => w.AsPlatformApp.At(new { tenantId = w.Outsider.TenantId })),

        // ---- Admin and catalog ----
        Case("ListAllTenants", "an operator", 200, w => w.AsOperator),
        Case("ListAllTenants", "not an operator", 403, w => w.AsOwner),
        Case("FindUsers", "by email", 200, w => w.AsOperator.Query($"email={Uri.EscapeDataString(w.Owner.Email)}")),
        Case("FindUsers", "not an email", 400, w => w.AsOperator.Query("email=nobody")),
        Case("GetRevenueAnalytics", "a year of months", 200, w => w.AsOperator.Query("from=2026-01&to=2026-12")),
        Case("GetRevenueAnalytics", "not a month", 400, w => w.AsOperator.Query("from=2026-13")),
        Case("GetRevenueAnalytics", "not an operator", 403, w => w.AsOwner),
        Case("GetTopUsage", "this month", 200, w => w.AsOperator),
        Case("GetTopUsage", "a past month", 200, w => w.AsOperator.Query("month=2026-01")),
        Case("GetTopUsage", "not a month", 400, w => w.AsOperator.Query("month=2026-1")),
        Case("GetTopUsage", "not an operator", 403, w => w.AsOwner),
        Case("DisableUser", "a user", 200, async w => w.AsOperator.At(new { userId = (await w.NewAccountAsync()).UserId })),
        Case("DisableUser", "the operator", 409, w => w.AsOperator.At(new { userId = w.Operator.UserId })),
        Case("DisableUser", "no such user", 404, w => w.AsOperator.At(new { userId = "usr_nobody" })),
        Case("EnableUser", "a disabled user", 200, async w =>
        {
            var account = await w.NewAccountAsync();
            await w.DisableAsync(account.UserId);
            return w.AsOperator.At(new { userId = account.UserId });
        }),
        Case("EnableUser", "not an operator", 403, w => w.AsOwner.At(new { userId = w.Member.UserId })),
        Case("CreateApp", "a new app", 201, w => w.AsOperator.Json(new { id = w.Fresh("app-"), name = "App" })),
        Case("CreateApp", "an app that exists", 409, w => w.AsOperator.Json(new { id = "chat", name = "Chat" })),
        Case("CreateApp", "not a slug", 400, w => w.AsOperator.Json(new { id = "Not A Slug", name = "App" })),
        Case("CreateQuotaType", "a new key", 201, w => w.AsOperator.At(new { appId = "chat" })
            .Json(new { key = w.Fresh("kind-"), name = "Kind", unit = "unit", window = "daily" })),
        Case("CreateQuotaType", "a key that exists", 409, w => w.AsOperator.At(new { appId = "chat" })
            .Json(new { key = "messages", name = "Messages", unit = "message", window = "monthly" })),
        Case("CreateQuotaType", "no such app", 404, w => w.AsOperator.At(new { appId = "nothing" })
            .Json(new { key = "kind", name = "Kind", unit = "unit", window = "daily" })),
        Case("CreateQuotaType", "no such window", 400, w => w.AsOperator.At(new { appId = "chat" })
            .Json(new { key = "kind", name = "Kind", unit = "unit", window = "weekly" })),
        Case("GetCatalog", "an operator", 200, w => w.AsOperator),
        Case("GetCatalog", "not an operator", 403, w => w.AsOwner),
        Case("CreatePlan", "a new plan", 201, w => w.AsOperator.Json(Plan(w.Fresh("plan-")))),
        Case("CreatePlan", "a plan that exists", 409, w => w.AsOperator.Json(Plan("plus"))),
        Case("CreatePlan", "no such currency", 400, w => w.AsOperator
            .Json(new { id = "cheap", name = "Cheap", priceMinor = 0, currency = "dollars", interval = "month" })),
        Case("UpdatePlan", "a plan", 200, w => w.AsOperator.At(new { planId = "plus" }).Json(Plan(null))),
        Case("UpdatePlan", "no such plan", 404, w => w.AsOperator.At(new { planId = "nothing" }).Json(Plan(null))),
        Case("UpdatePlan", "a negative price", 400, w => w.AsOperator.At(new { planId = "plus" })
            .Json(new { name = "Plus", priceMinor = -1, currency = "USD", interval = "month" })),
        Case("ArchivePlan", "a plan", 200, async w =>
        {
            var id = w.Fresh("old-");
            await w.SendAsync("CreatePlan", w.AsOperator.Json(Plan(id)));
            return w.AsOperator.At(new { planId = id });
        }),
        Case("ArchivePlan", "the default plan", 409, w => w.AsOperator.At(new { planId = "free" })),
        Case("ArchivePlan", "no such plan", 404, w => w.AsOperator.At(new { planId = "nothing" })),
        Case("ListPlans", "anyone", 200, _ => ContractRequest.Anonymous),

        // ---- Subscription (in order: change to plus, cancel at the period's end, resume) ----
        Case("GetSubscription", "its owner", 200, w => w.AsOwnerOfTenant),
        Case("GetSubscription", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("ChangeSubscription", "a free plan", 200, w => w.AsOwnerOfTenant.Json(new { planId = "plus" })),
        Case("ChangeSubscription", "a paid plan", 409, w => w.AsOwnerOfTenant.Json(new { planId = "pro" })),
        Case("ChangeSubscription", "no such plan", 404, w => w.AsOwnerOfTenant.Json(new { planId = "nothing" })),
        Case("ChangeSubscription", "no plan", 400, w => w.AsOwnerOfTenant.Json(new { })),
        Case("CancelSubscription", "at the period's end", 200, w => w.AsOwnerOfTenant.Json(new { atPeriodEnd = true })),
        Case("CancelSubscription", "the default plan", 409, w => w.AsOutsider.At(new { tenantId = w.Outsider.TenantId })
            .Json(new { atPeriodEnd = true })),
        Case("CancelSubscription", "no atPeriodEnd", 400, w => w.AsOwnerOfTenant.Json(new { })),
        Case("ResumeSubscription", "a cancelled subscription", 200, w => w.AsOwnerOfTenant),
        Case("ResumeSubscription", "one not set to cancel", 409, w => w.AsOwnerOfTenant),
        Case("GetAlertSettings", "a member", 200, w => w.AsMember.At(new { tenantId = w.TenantId })),
        Case("GetAlertSettings", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("SetAlertSettings", "new percents", 200, w => w.AsOwnerOfTenant.Json(new { quotaPercents = new[] { 75, 100 } })),
        Case("SetAlertSettings", "a percent over 100", 400, w => w.AsOwnerOfTenant.Json(new { quotaPercents = new[] { 150 } })),
        Case("SetAlertSettings", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })
            .Json(new { quotaPercents = new[] { 50 } })),
        Case("GrantSubscription", "a plan", 200, w => w.AsOperator.At(new { tenantId = w.Outsider.TenantId })
            .Json(new { planId = "plus", trialDays = 7 })),
        Case("GrantSubscription", "no such tenant", 404, w => w.AsOperator.At(new { tenantId = "ten_nothing" }).Json(new { planId = "plus" })),
        Case("GrantSubscription", "a negative trial", 400, w => w.AsOperator.At(new { tenantId = w.Outsider.TenantId })
            .Json(new { planId = "plus", trialDays = -5 })),

        // ---- Quota ----
        Case("ConsumeQuota", "an amount that fits", 200, w => w.AsApp
            .Json(new { quotaType = Quota, amount = 1 }).Header("Idempotency-Key", w.Fresh("consume-"))),
        Case("ConsumeQuota", "a retry", 200, async w =>
        {
            var request = w.AsApp.Json(new { quotaType = Quota, amount = 1 }).Header("Idempotency-Key", w.Fresh("consume-"));
            await w.SendAsync("ConsumeQuota", request);
            return request;
        }, "Idempotent-Replayed"),
        Case("ConsumeQuota", "more than remains", 402, w => w.AsApp.Json(new { quotaType = Quota, amount = 1_000_000_000 })),
        Case("ConsumeQuota", "no such quota type", 404, w => w.AsApp.Json(new { quotaType = "chat/nothing", amount = 1 })),
        Case("ConsumeQuota", "an amount of 0", 400, w => w.AsApp.Json(new { quotaType = Quota, amount = 0 })),
        Case("ConsumeQuota", "a key that may only read", 403, w => ContractRequest.WithApiKey(w.ReadOnlyApiKey)
            .Json(new { quotaType = Quota, amount = 1 })),
        Case("ConsumeQuota", "a key reused for another amount", 422, async w =>
        {
            var key = w.Fresh("consume-");
            await w.ConsumeAsync(1, key);
            return w.AsApp.Json(new { quotaType = Quota, amount = 2 }).Header("Idempotency-Key", key);
        }),
        Case("ConsumeQuota", "a person for their tenant", 200, w => w.AsOwner
            .Json(new { quotaType = Quota, amount = 1, tenantId = w.TenantId })),
        Case("CheckQuota", "an amount that fits", 200, w => w.AsApp.Json(new { quotaType = Quota, amount = 1 })),
        Case("CheckQuota", "more than remains", 402, w => ContractRequest.WithApiKey(w.ReadOnlyApiKey)
            .Json(new { quotaType = Quota, amount = 1_000_000_000 })),
        Case("CheckQuota", "no such quota type", 404, w => w.AsApp.Json(new { quotaType = "chat/nothing", amount = 1 })),
        Case("CheckQuota", "another tenant", 404, w => w.AsApp.Json(new { quotaType = Quota, amount = 1, tenantId = w.Outsider.TenantId })),
        Case("CheckQuota", "no quota type", 400, w => w.AsApp.Json(new { amount = 1 })),
        Case("RefundQuota", "part of a consume", 200, async w => w.AsApp
            .Json(new { quotaType = Quota, amount = 1, consumeId = await w.ConsumeAsync(2) })),
        Case("RefundQuota", "a consume refunded in full", 409, async w =>
        {
            var consumeId = await w.ConsumeAsync(1);
            await w.RefundAsync(consumeId, 1);
            return w.AsApp.Json(new { quotaType = Quota, amount = 1, consumeId });
        }),
        Case("RefundQuota", "more than was consumed", 409, async w => w.AsApp
            .Json(new { quotaType = Quota, amount = 5, consumeId = await w.ConsumeAsync(1) })),
        Case("RefundQuota", "no such consume", 404, w => w.AsApp.Json(new { quotaType = Quota, amount = 1, idempotencyKey = "never-used" })),
        Case("RefundQuota", "neither consumeId nor key", 400, w => w.AsApp.Json(new { quotaType = Quota, amount = 1 })),
        Case("RefundQuota", "a retry", 200, async w =>
        {
            var request = w.AsApp.Json(new { quotaType = Quota, amount = 1, consumeId = await w.ConsumeAsync(1) })
                .Header("Idempotency-Key", w.Fresh("refund-"));
            await w.SendAsync("RefundQuota", request);
            return request;
        }, "Idempotent-Replayed"),
        Case("ListQuotas", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("ListQuotas", "an API key that may read", 200, w => w.AsApp.At(new { tenantId = w.TenantId })),
        Case("ListQuotas", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("ListQuotas", "a platform key", 200, w => w.AsPlatformApp.At(new { tenantId = w.Outsider.TenantId })),
        Case("ListQuotas", "a platform key naming no tenant there is", 404, w => w.AsPlatformApp.At(new { tenantId = "ten_nothing" })),
        Case("ConsumeQuota", "a platform key naming a tenant", 200, w => w.AsPlatformApp
            .Json(new { quotaType = Quota, amount = 1, tenantId = w.Outsider.TenantId })),
        Case("ConsumeQuota", "a platform key naming no tenant", 400, w => w.AsPlatformApp.Json(new { quotaType = Quota, amount = 1 })),
        Case("ConsumeQuota", "a platform key naming a tenant there is not", 404, w => w.AsPlatformApp
            .Json(new { quotaType = Quota, amount = 1, tenantId = "ten_nothing" })),

        // ---- Billing (a fake Stripe answers) ----
        Case("StartCheckout", "a paid plan", 201, w => w.AsOwnerOfTenant.Json(Checkout("pro")).Header("Idempotency-Key", w.Fresh("checkout-"))),
        Case("StartCheckout", "a retry", 201, async w =>
        {
            var request = w.AsOwnerOfTenant.Json(Checkout("pro")).Header("Idempotency-Key", w.Fresh("checkout-"));
            await w.SendAsync("StartCheckout", request);
            return request;
        }, "Idempotent-Replayed"),
        Case("StartCheckout", "a key reused for another plan", 422, async w =>
        {
            var key = w.Fresh("checkout-");
            await w.SendAsync("StartCheckout", w.AsOwnerOfTenant.Json(Checkout("pro")).Header("Idempotency-Key", key));
            return w.AsOwnerOfTenant.Json(Checkout("plus")).Header("Idempotency-Key", key);
        }),
        Case("StartCheckout", "a plan without a Stripe price", 409, w => w.AsOwnerOfTenant.Json(Checkout("plus"))),
        Case("StartCheckout", "no such plan", 404, w => w.AsOwnerOfTenant.Json(Checkout("nothing"))),
        Case("StartCheckout", "not a URL", 400, w => w.AsOwnerOfTenant.Json(new { planId = "pro", successUrl = "paid", cancelUrl = "no" })),
        Case("OpenBillingPortal", "a return URL", 201, w => w.AsOwnerOfTenant.Json(new { returnUrl = "https://app.example.com/account" })),
        Case("OpenBillingPortal", "Stripe refuses", 502, w =>
        {
            w.Stripe.FailNext("/v1/billing_portal", 400);
            return w.AsOwnerOfTenant.Json(new { returnUrl = "https://app.example.com/account" });
        }),
        Case("OpenBillingPortal", "not a URL", 400, w => w.AsOwnerOfTenant.Json(new { returnUrl = "back" })),
        Case("ListInvoices", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("ListInvoices", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })),
        Case("ListPayments", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("ListPayments", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("ReceiveStripeEvent", "a signed event", 200, w =>
        {
            var body = w.StripeEvent("customer.created");
            return ContractRequest.Anonymous.Raw(body, "application/json").Header("Stripe-Signature", w.SignStripe(body));
        }),
        Case("ReceiveStripeEvent", "a wrong signature", 400, w =>
            ContractRequest.Anonymous.Raw(w.StripeEvent("customer.created"), "application/json").Header("Stripe-Signature", "t=1,v1=00")),
        // ---- Orders (fakes of Alipay and WeChat Pay answer) ----
        Case("CreateOrder", "a pack at Alipay", 201, w => w.AsOwnerOfTenant.Json(new { provider = "alipay", packId = "cn-pack" })
            .Header("Idempotency-Key", w.Fresh("order-"))),
        Case("CreateOrder", "a retry", 201, async w =>
        {
            var request = w.AsOwnerOfTenant.Json(new { provider = "wechatpay", packId = "cn-pack" })
                .Header("Idempotency-Key", w.Fresh("order-"));
            await w.SendAsync("CreateOrder", request);
            return request;
        }, "Idempotent-Replayed"),
        Case("CreateOrder", "a key reused for another order", 422, async w =>
        {
            var key = w.Fresh("order-");
            await w.SendAsync("CreateOrder", w.AsOwnerOfTenant.Json(new { provider = "alipay", packId = "cn-pack" })
                .Header("Idempotency-Key", key));
            return w.AsOwnerOfTenant.Json(new { provider = "wechatpay", packId = "cn-pack" }).Header("Idempotency-Key", key);
        }),
        Case("CreateOrder", "a plan without a cny price", 422, w => w.AsOwnerOfTenant.Json(new { provider = "alipay", planId = "pro" })
            .Header("Idempotency-Key", w.Fresh("order-"))),
        Case("CreateOrder", "no such pack", 404, w => w.AsOwnerOfTenant.Json(new { provider = "alipay", packId = "nothing" })
            .Header("Idempotency-Key", w.Fresh("order-"))),
        Case("CreateOrder", "no provider", 400, w => w.AsOwnerOfTenant.Json(new { packId = "cn-pack" })
            .Header("Idempotency-Key", w.Fresh("order-"))),
        Case("CreateOrder", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })
            .Json(new { provider = "alipay", packId = "cn-pack" }).Header("Idempotency-Key", w.Fresh("order-"))),
        Case("ListOrders", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("ListOrders", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })),
        Case("GetOrder", "the owner's order", 200, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, orderId = await w.NewOrderAsync("alipay") })),
        Case("GetOrder", "another tenant's order", 404, async w => w.AsOutsider
            .At(new { tenantId = w.Outsider.TenantId, orderId = await w.NewOrderAsync("alipay") })),
        Case("GetOrderQrCode", "a WeChat Pay order", 200, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, orderId = await w.NewOrderAsync("wechatpay") })),
        Case("GetOrderQrCode", "an Alipay order", 404, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, orderId = await w.NewOrderAsync("alipay") })),
        Case("RefundOrder", "part of a paid order", 200, async w => w.AsOperator.At(new { orderId = await w.PaidOrderAsync("wechatpay") })
            .Json(new { amountMinor = 100, reason = "contract" }).Header("Idempotency-Key", w.Fresh("refund-"))),
        Case("RefundOrder", "a retry", 200, async w =>
        {
            var request = w.AsOperator.At(new { orderId = await w.PaidOrderAsync("alipay") }).Json(new { reason = "contract" })
                .Header("Idempotency-Key", w.Fresh("refund-"));
            await w.SendAsync("RefundOrder", request);
            return request;
        }, "Idempotent-Replayed"),
        Case("RefundOrder", "an order not paid", 409, async w => w.AsOperator.At(new { orderId = await w.NewOrderAsync("alipay") })
            .Json(new { reason = "contract" }).Header("Idempotency-Key", w.Fresh("refund-"))),
        Case("RefundOrder", "the tenant's owner", 403, async w => w.AsOwner.At(new { orderId = await w.NewOrderAsync("alipay") })
            .Json(new { reason = "contract" }).Header("Idempotency-Key", w.Fresh("refund-"))),
        Case("RefundOrder", "no reason", 400, async w => w.AsOperator.At(new { orderId = await w.NewOrderAsync("alipay") })
            .Json(new { amountMinor = 1 }).Header("Idempotency-Key", w.Fresh("refund-"))),
        Case("RefundOrder", "a key reused for another amount", 422, async w =>
        {
            var orderId = await w.PaidOrderAsync("alipay");
            var key = w.Fresh("refund-");
            await w.SendAsync("RefundOrder", w.AsOperator.At(new { orderId }).Json(new { amountMinor = 1, reason = "contract" })
                .Header("Idempotency-Key", key));
            return w.AsOperator.At(new { orderId }).Json(new { amountMinor = 2, reason = "contract" }).Header("Idempotency-Key", key);
        }),
        Case("ReceiveAlipayNotification", "a paid order's", 200, async w => ContractWorld.Notification(
            w.Alipay.Notification(new Uri("http://localhost/v1/webhooks/alipay"), await w.NewOrderAsync("alipay")))),
        Case("ReceiveWeChatPayNotification", "a paid order's", 204, async w => ContractWorld.Notification(
            w.WeChat.Notification(new Uri("http://localhost/v1/webhooks/wechatpay"), await w.NewOrderAsync("wechatpay")))),
        Case("ReceiveWeChatPayNotification", "a bad signature", 400, async w => ContractWorld.Notification(
            w.WeChat.Notification(new Uri("http://localhost/v1/webhooks/wechatpay"), await w.NewOrderAsync("wechatpay"),
                new FakeWeChatPayNotificationOptions(BadSignature: true)))),
        // ---- Credits ----
        Case("ConsumeCredits", "units the balance covers", 200, w => w.AsCreditsApp
            .Json(new { tool = ContractWorld.Tool, units = 1 }).Header("Idempotency-Key", w.Fresh("spend-")), "X-Credits-Remaining"),
        Case("ConsumeCredits", "a retry", 200, async w =>
        {
            var request = w.AsCreditsApp.Json(new { tool = ContractWorld.Tool, units = 1 }).Header("Idempotency-Key", w.Fresh("spend-"));
            await w.SendAsync("ConsumeCredits", request);
            return request;
        }, "Idempotent-Replayed", "X-Credits-Remaining"),
        Case("ConsumeCredits", "a platform key naming a tenant", 200, w => w.AsPlatformApp
            .Json(new { tool = ContractWorld.Tool, units = 1, tenantId = w.TenantId }), "X-Credits-Remaining"),
        Case("ConsumeCredits", "a person for their tenant", 200, w => w.AsOwner
            .Json(new { tool = ContractWorld.Tool, units = 1, tenantId = w.TenantId })),
        Case("ConsumeCredits", "more than the balance", 402, w => w.AsCreditsApp
            .Json(new { tool = ContractWorld.Tool, units = 999_999_999_999 }), "X-Credits-Remaining"),
        Case("ConsumeCredits", "no such tool", 404, w => w.AsCreditsApp.Json(new { tool = "chat/nothing", units = 1 })),
        Case("ConsumeCredits", "0 units", 400, w => w.AsCreditsApp.Json(new { tool = ContractWorld.Tool, units = 0 })),
        Case("ConsumeCredits", "a key without credits:consume", 403, w => w.AsApp.Json(new { tool = ContractWorld.Tool, units = 1 })),
        Case("ConsumeCredits", "a key reused for other units", 422, async w =>
        {
            var key = w.Fresh("spend-");
            await w.SpendCreditsAsync(1, key);
            return w.AsCreditsApp.Json(new { tool = ContractWorld.Tool, units = 2 }).Header("Idempotency-Key", key);
        }),
        Case("RefundCredits", "part of a spend", 200, async w => w.AsCreditsApp
            .Json(new { spendId = await w.SpendCreditsAsync(2), credits = 1 }), "X-Credits-Remaining"),
        Case("RefundCredits", "a spend refunded in full", 409, async w =>
        {
            var spendId = await w.SpendCreditsAsync(1);
            await w.SendAsync("RefundCredits", w.AsCreditsApp.Json(new { spendId }));
            return w.AsCreditsApp.Json(new { spendId });
        }),
        Case("RefundCredits", "no such spend", 404, w => w.AsCreditsApp.Json(new { spendId = "spd_v1nothing" })),
        Case("RefundCredits", "no spend named", 400, w => w.AsCreditsApp.Json(new { credits = 1 })),
        Case("ReserveCredits", "units the balance covers", 201, w => w.AsCreditsApp
            .Json(new { tool = ContractWorld.Tool, units = 2, ttlSeconds = 60 }), "X-Credits-Remaining"),
        Case("ReserveCredits", "more than the balance", 402, w => w.AsCreditsApp
            .Json(new { tool = ContractWorld.Tool, units = 999_999_999_999, ttlSeconds = 60 }), "X-Credits-Remaining"),
        Case("ReserveCredits", "a TTL over 24 hours", 400, w => w.AsCreditsApp
            .Json(new { tool = ContractWorld.Tool, units = 1, ttlSeconds = 86_401 })),
        Case("SettleReservation", "what the job used", 200, async w => w.AsCreditsApp
            .At(new { reservationId = await w.ReserveCreditsAsync() }).Json(new { units = 3 }), "X-Credits-Remaining"),
        Case("SettleReservation", "a reservation settled already", 409, async w =>
        {
            var request = w.AsCreditsApp.At(new { reservationId = await w.ReserveCreditsAsync() }).Json(new { units = 3 });
            await w.SendAsync("SettleReservation", request);
            return request;
        }),
        Case("SettleReservation", "no such reservation", 404, w => w.AsCreditsApp
            .At(new { reservationId = "rsv_v1nothing" }).Json(new { units = 1 })),
        Case("ReleaseReservation", "a live reservation", 200, async w => w.AsCreditsApp
            .At(new { reservationId = await w.ReserveCreditsAsync() }), "X-Credits-Remaining"),
        Case("ReleaseReservation", "no such reservation", 404, w => w.AsCreditsApp.At(new { reservationId = "rsv_v1nothing" })),
        Case("GetCredits", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("GetCredits", "the credits key", 200, w => w.AsCreditsApp.At(new { tenantId = w.TenantId })),
        Case("GetCredits", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("GetCredits", "a platform key", 200, w => w.AsPlatformApp.At(new { tenantId = w.TenantId })),
        Case("GetCreditLedger", "JSON", 200, w => w.AsOwnerOfTenant.Query("kind=spend")),
        Case("GetCreditLedger", "CSV", 200, w => w.AsOwnerOfTenant.Query("format=csv")),
        Case("GetCreditLedger", "a limit of 0", 400, w => w.AsOwnerOfTenant.Query("limit=0")),
        Case("GetCreditLedger", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("GrantCredits", "a promotion", 201, w => w.AsOperator.At(new { tenantId = w.TenantId })
            .Json(new { amount = 10, source = "promotion", reason = "contract" }).Header("Idempotency-Key", w.Fresh("grant-"))),
        Case("GrantCredits", "an adjustment past the balance", 409, w => w.AsOperator.At(new { tenantId = w.Outsider.TenantId })
            .Json(new { amount = -10, source = "adjustment", reason = "contract" }).Header("Idempotency-Key", w.Fresh("grant-"))),
        Case("GrantCredits", "no reason", 400, w => w.AsOperator.At(new { tenantId = w.TenantId })
            .Json(new { amount = 10, source = "promotion" }).Header("Idempotency-Key", w.Fresh("grant-"))),
        Case("GrantCredits", "not an operator", 403, w => w.AsOwnerOfTenant
            .Json(new { amount = 10, source = "promotion", reason = "contract" }).Header("Idempotency-Key", w.Fresh("grant-"))),
        Case("CreateTool", "a new key", 201, w => w.AsOperator.At(new { appId = "chat" })
            .Json(new { key = w.Fresh("tool-"), name = "Tool", creditsPerUnit = 3 })),
        Case("CreateTool", "a key that exists", 409, w => w.AsOperator.At(new { appId = "chat" })
            .Json(new { key = "image", name = "Image", creditsPerUnit = 1 })),
        Case("CreateTool", "no such app", 404, w => w.AsOperator.At(new { appId = "nothing" })
            .Json(new { key = "image", name = "Image", creditsPerUnit = 1 })),
        Case("CreateTool", "a price of 0", 400, w => w.AsOperator.At(new { appId = "chat" })
            .Json(new { key = "free", name = "Free", creditsPerUnit = 0 })),
        Case("ListTools", "an operator", 200, w => w.AsOperator.At(new { appId = "chat" })),
        Case("ListTools", "no such app", 404, w => w.AsOperator.At(new { appId = "nothing" })),

        // ---- Credit packs and buying credits (a fake Stripe answers) ----
        Case("CreateCreditPack", "a new pack", 201, w => w.AsOperator.Json(Pack("credits-100", "price_credits_100"))),
        Case("CreateCreditPack", "a pack that exists", 409, w => w.AsOperator.Json(Pack("credits-100", null))),
        Case("CreateCreditPack", "no credits", 400, w => w.AsOperator.Json(new { id = "empty", name = "Empty", credits = 0,
            priceMinor = 100, currency = "USD" })),
        Case("UpdateCreditPack", "the same pack", 200, w => w.AsOperator.At(new { packId = "credits-100" }).Json(Pack(null,
            "price_credits_100"))),
        Case("UpdateCreditPack", "a plan's Stripe price", 409, w => w.AsOperator.At(new { packId = "credits-100" }).Json(Pack(null,
            "price_123"))),
        Case("UpdateCreditPack", "no such pack", 404, w => w.AsOperator.At(new { packId = "nothing" }).Json(Pack(null, null))),
        Case("UpdateCreditPack", "no currency", 400, w => w.AsOperator.At(new { packId = "credits-100" }).Json(new { name = "X",
            credits = 1, priceMinor = 1 })),
        Case("ListCreditPacks", "anyone", 200, _ => ContractRequest.Anonymous),
        Case("ListAllCreditPacks", "an operator", 200, w => w.AsOperator),
        Case("ListAllCreditPacks", "not an operator", 403, w => w.AsOwner),
        Case("ArchiveCreditPack", "a pack", 200, async w =>
        {
            var id = w.Fresh("pack-");
            await w.SendAsync("CreateCreditPack", w.AsOperator.Json(Pack(id, null)));
            return w.AsOperator.At(new { packId = id });
        }),
        Case("ArchiveCreditPack", "no such pack", 404, w => w.AsOperator.At(new { packId = "nothing" })),
        Case("StartCreditCheckout", "a pack", 201, w => w.AsOwnerOfTenant.Json(PackCheckout("credits-100")).Header("Idempotency-Key",
            w.Fresh("credits-"))),
        Case("StartCreditCheckout", "a retry", 201, async w =>
        {
            var request = w.AsOwnerOfTenant.Json(PackCheckout("credits-100")).Header("Idempotency-Key", w.Fresh("credits-"));
            await w.SendAsync("StartCreditCheckout", request);
            return request;
        }, "Idempotent-Replayed"),
        Case("StartCreditCheckout", "a key reused for another pack", 422, async w =>
        {
            var key = w.Fresh("credits-");
            await w.SendAsync("StartCreditCheckout", w.AsOwnerOfTenant.Json(PackCheckout("credits-100")).Header("Idempotency-Key", key));
            return w.AsOwnerOfTenant.Json(PackCheckout("other")).Header("Idempotency-Key", key);
        }),
        Case("StartCreditCheckout", "a pack without a Stripe price", 409,
            async w => w.AsOwnerOfTenant.Json(PackCheckout(await UnpricedPackAsync(w)))),
        Case("StartCreditCheckout", "no such pack", 404, w => w.AsOwnerOfTenant.Json(PackCheckout("nothing"))),
        Case("StartCreditCheckout", "not a URL", 400, w => w.AsOwnerOfTenant.Json(new { packId = "credits-100", successUrl = "paid",
            cancelUrl = "no" })),
        Case("GetAutoTopUp", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("GetAutoTopUp", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })),
        Case("SetAutoTopUp", "settings", 200, w => w.AsOwnerOfTenant.Json(new { threshold = 50, packId = "credits-100", maxPerMonth = 2,
            enabled = false })),
        Case("SetAutoTopUp", "a pack without a Stripe price", 409, async w =>
            w.AsOwnerOfTenant.Json(new { threshold = 50, packId = await UnpricedPackAsync(w), maxPerMonth = 2 })),
        Case("SetAutoTopUp", "no such pack", 404, w => w.AsOwnerOfTenant.Json(new { threshold = 50, packId = "nothing", maxPerMonth = 2 })),
        Case("SetAutoTopUp", "no threshold", 400, w => w.AsOwnerOfTenant.Json(new { packId = "credits-100", maxPerMonth = 2 })),

        // ---- Webhooks ----
        Case("CreateWebhookEndpoint", "an https URL and event types", 201, w => w.AsOwnerOfTenant
            .Json(new { url = "https://hooks.example.com/tollgate", eventTypes = new[] { "invoice.paid" }, description = "billing" })),
        Case("CreateWebhookEndpoint", "a plain http URL", 400, w => w.AsOwnerOfTenant
            .Json(new { url = "http://hooks.example.com/tollgate", eventTypes = new[] { "*" } })),
        Case("CreateWebhookEndpoint", "a member", 403, w => w.AsMember.At(new { tenantId = w.TenantId })
            .Json(new { url = "https://hooks.example.com/tollgate", eventTypes = new[] { "*" } })),
        Case("ListWebhookEndpoints", "the owner", 200, w => w.AsOwnerOfTenant),
        Case("ListWebhookEndpoints", "an outsider", 404, w => w.AsOutsider.At(new { tenantId = w.TenantId })),
        Case("GetWebhookEndpoint", "an endpoint", 200, async w => w.AsOwner.At(new { tenantId = w.TenantId,
            endpointId = await w.WebhookEndpointIdAsync() })),
        Case("GetWebhookEndpoint", "no such endpoint", 404, w => w.AsOwner.At(new { tenantId = w.TenantId, endpointId = "we_nothing" })),
        Case("UpdateWebhookEndpoint", "disabled", 200, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, endpointId = await w.WebhookEndpointIdAsync() }).Json(new { enabled = false })),
        Case("UpdateWebhookEndpoint", "an unknown event type", 400, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, endpointId = await w.WebhookEndpointIdAsync() })
            .Json(new { eventTypes = new[] { "nothing" } })),
        Case("DeleteWebhookEndpoint", "an endpoint", 204, async w => w.AsOwner.At(new { tenantId = w.TenantId,
            endpointId = await w.NewWebhookEndpointIdAsync() })),
        Case("DeleteWebhookEndpoint", "no such endpoint", 404, w => w.AsOwner.At(new { tenantId = w.TenantId, endpointId = "we_nothing" })),
        Case("RotateWebhookEndpointSecret", "an endpoint", 200, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, endpointId = await w.WebhookEndpointIdAsync() })),
        Case("RotateWebhookEndpointSecret", "no such endpoint", 404, w => w.AsOwner.At(new { tenantId = w.TenantId,
            endpointId = "we_nothing" })),
        Case("ListWebhookDeliveries", "an endpoint's", 200, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, endpointId = await w.WebhookEndpointIdAsync() }).Query("limit=5")),
        Case("ListWebhookDeliveries", "a limit of 0", 400, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, endpointId = await w.WebhookEndpointIdAsync() }).Query("limit=0")),
        Case("RedeliverWebhook", "a delivery", 200, async w =>
        {
            var (owner, endpointId, deliveryId) = await w.NewWebhookDeliveryAsync();
            return ContractRequest.Bearer(owner.AccessToken).At(new { tenantId = owner.TenantId, endpointId, deliveryId });
        }),
        Case("RedeliverWebhook", "no such delivery", 404, async w => w.AsOwner
            .At(new { tenantId = w.TenantId, endpointId = await w.WebhookEndpointIdAsync(), deliveryId = "whd_nothing" })),
        Case("ListTenantEvents", "the owner", 200, w => w.AsOwnerOfTenant.Query("type=subscription.updated&limit=10")),
        Case("ListTenantEvents", "an unknown type", 400, w => w.AsOwnerOfTenant.Query("type=nothing")),
    ];

    private static object Pack(string? id, string? stripePriceId) =>
        new { id, name = "100 credits", credits = 100, priceMinor = 500, currency = "USD", stripePriceId };

    private static object PackCheckout(string packId) =>
        new { packId, successUrl = "https://app.example.com/paid", cancelUrl = "https://app.example.com/credits" };

    private static async Task<string> UnpricedPackAsync(ContractWorld w)
    {
        var id = w.Fresh("unpriced-");
        await w.SendAsync("CreateCreditPack", w.AsOperator.Json(Pack(id, null)));
        return id;
    }

    /// <summary>A free plan as CatalogFixture's "plus" is (so updating "plus" with it changes nothing).</summary>
    private static object Plan(string? id) => new
    {
        id, name = "Plus", priceMinor = 0, currency = "USD", interval = "month",
        quotas = new Dictionary<string, long> { [CatalogFixture.Messages] = 1_000, [CatalogFixture.Tokens] = 10_000, [CatalogFixture.Seats] = 10 },
    };

    private static object Checkout(string planId) =>
        new { planId, successUrl = "https://app.example.com/paid", cancelUrl = "https://app.example.com/pricing" };

    private static ContractCase Case(string operationId, string name, int status, Func<ContractWorld, ContractRequest> request, params string[] headers) =>
        new(operationId, name, status, world => Task.FromResult(request(world)), headers);

    private static ContractCase Case(
        string operationId, string name, int status, Func<ContractWorld, Task<ContractRequest>> request, params string[] headers) =>
        new(operationId, name, status, request, headers);
}
