using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tollgate.Api.OpenApi;

/// <summary>
/// A property is required in the document only when a client must send it: a request's nullable
/// property is optional unless it carries <see cref="RequiredAttribute"/> (then it must be sent and
/// not null). The framework would list every constructor parameter of a record as required.
/// </summary>
internal sealed class RequiredProperties : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object || schema.Properties is null) return Task.CompletedTask;
        var required = new HashSet<string>();
        foreach (var property in context.JsonTypeInfo.Properties.Where(property => !property.IsExtensionData))
        {
            var mustSend = property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true;
            if (mustSend || !Nullable(property)) required.Add(property.Name);
            if (mustSend && schema.Properties.TryGetValue(property.Name, out var described) && described is OpenApiSchema concrete)
                concrete.Type &= ~JsonSchemaType.Null;
        }
        schema.Required = required;
        return Task.CompletedTask;
    }

    private static bool Nullable(JsonPropertyInfo property) =>
        System.Nullable.GetUnderlyingType(property.PropertyType) is not null
        || (!property.PropertyType.IsValueType && property.AttributeProvider is MemberInfo member && NullableAnnotated(member));

    private static bool NullableAnnotated(MemberInfo member)
    {
        var context = new NullabilityInfoContext();
        var info = member switch
        {
            PropertyInfo p => context.Create(p),
            FieldInfo f => context.Create(f),
            _ => null,
        };
        return info is null || info.ReadState != NullabilityState.NotNull;
    }
}
